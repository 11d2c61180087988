import { inject, injectable } from 'inversify';
import type { Clock } from './ports/clock.ts';
import type { PaymentEventLog } from './ports/payment-events.ts';
import { TOKENS } from './tokens.ts';

const DAY_MS = 86_400_000;
// Small deletes, so that a first run over years of events never holds the table for long.
const BATCH = 5_000;
const MOST_PER_RUN = 200_000;

/** Deletes payment events older than PAYMENT_EVENT_RETENTION_DAYS: the timeline keeps what an operator can still act on. */
@injectable()
export class PrunePaymentEvents {
  constructor(
    @inject(TOKENS.PaymentEventLog) private readonly events: PaymentEventLog,
    @inject(TOKENS.PaymentEventRetentionDays) private readonly retentionDays: number,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @returns how many events it deleted (at most 200,000 a run; the next run goes on). @throws StoreUnavailable */
  async execute(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
    let deleted = 0;
    while (deleted < MOST_PER_RUN) {
      const batch = await this.events.prune(before, BATCH);
      deleted += batch;
      if (batch < BATCH) break;
    }
    return deleted;
  }
}
