import type { Logger } from 'pino';
import type { ReconcilePastDays } from '../../application/reconcile-past-days.ts';
import { PollingLoop } from './polling-loop.ts';

// What a day that agrees with the bill holds: anything else (a repair too) is logged as a warning.
const AS_EXPECTED = new Set(['matched', 'refund_matched', 'refund']);

const POLL_MS = 60_000;

/** Once a minute, reconciles the recent days due for 对账 here; every process may run one, one of them does each day. */
export class ReconcileScheduler {
  private readonly loop = new PollingLoop(POLL_MS, () => this.tick());
  private lastLapsed: string | null = null;

  constructor(
    private readonly reconcilePastDays: ReconcilePastDays,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop.start();
  }

  /** Stops asking, and lets a reconciliation under way finish: its result is stored whole or not at all. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Every day due now, one after another (each claimed day is leased, so none comes round twice). */
  private async tick(): Promise<void> {
    while (!this.loop.isStopped && (await this.reconcileOneDay()) !== 'not_due') {}
    await this.warnOfLapsedDay();
  }

  /** Once per day that left the catch-up window unreconciled: nothing will retry it. */
  private async warnOfLapsedDay(): Promise<void> {
    const lapsed = await this.reconcilePastDays.lapsedDay().catch(() => null);
    if (lapsed === null || lapsed === this.lastLapsed) return;
    this.lastLapsed = lapsed;
    this.logger.error(
      { date: lapsed },
      `the day ${lapsed} left RECONCILE_CATCH_UP_DAYS without being reconciled and will not be retried: run npm run reconcile -- --date ${lapsed}`,
    );
  }

  private async reconcileOneDay(): Promise<string> {
    try {
      const done = await this.reconcilePastDays.execute();
      if (done.outcome === 'done') {
        const { run } = done.result;
        const differs = Object.entries(run.counts).some(([kind, count]) => !AS_EXPECTED.has(kind) && count > 0);
        const log = differs ? 'warn' : 'info';
        this.logger[log]({ date: run.date, counts: run.counts, deferred: run.deferred }, 'reconciled the day against Alipay’s bill');
      } else if (done.outcome === 'not_ready') {
        this.logger.info({ date: done.date, retryAt: done.retryAt }, 'Alipay’s bill is not out yet; will try again');
      } else if (done.outcome === 'failed') {
        this.logger.error({ date: done.date, retryAt: done.retryAt, why: done.why }, 'cannot reconcile the day; will try again');
      }
      return done.outcome;
    } catch (error) {
      this.logger.error({ err: error }, 'daily reconciliation failed; will try again');
      return 'not_due';
    }
  }
}
