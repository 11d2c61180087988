import type { Logger } from 'pino';
import type { PrunePaymentEvents } from '../../application/prune-payment-events.ts';
import { PollingLoop } from './polling-loop.ts';

const POLL_MS = 3_600_000;

/** Once an hour, and at start, deletes what has outlived its retention. Every process may: deleting twice deletes nothing more. */
export class RetentionScheduler {
  private readonly loop = new PollingLoop(POLL_MS, () => this.tick());

  constructor(
    private readonly prunePaymentEvents: PrunePaymentEvents,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(): Promise<void> {
    try {
      const deleted = await this.prunePaymentEvents.execute();
      if (deleted > 0) this.logger.info({ deleted }, 'deleted payment events past PAYMENT_EVENT_RETENTION_DAYS');
    } catch (error) {
      this.logger.error({ err: error }, 'cannot delete old payment events; will try again in an hour');
    }
  }
}
