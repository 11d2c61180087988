import { inject, injectable } from 'inversify';
import type { QuerySchedule } from '../domain/query-schedule.ts';
import type { Clock } from './ports/clock.ts';
import type { QueryQueue } from './ports/query-queue.ts';
import { TOKENS } from './tokens.ts';

// Meiduo's code commits an order a moment after its create_time: look back a little past the last look.
const DISCOVERY_OVERLAP_MS = 10 * 60_000;

/** The orders this process should ask Alipay about now; no other process gets the same question. */
@injectable()
export class ClaimDueQueries {
  private discoveredUpTo: Date | null = null;

  constructor(
    @inject(TOKENS.QueryQueue) private readonly queue: QueryQueue,
    @inject(TOKENS.QuerySchedule) private readonly schedule: QuerySchedule | null,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @throws StoreUnavailable */
  async execute(limit: number): Promise<string[]> {
    if (this.schedule === null || limit <= 0) return [];
    const now = this.clock.now();
    const horizon = now.getTime() - this.schedule.horizonMs;
    const lastLook = this.discoveredUpTo === null ? horizon : this.discoveredUpTo.getTime() - DISCOVERY_OVERLAP_MS;
    await this.queue.discover(new Date(Math.max(horizon, lastLook)), now, this.schedule);
    this.discoveredUpTo = now;
    const claimed = await this.queue.claimDue(now, limit, this.schedule);
    return claimed.map(({ orderId }) => orderId);
  }
}
