import { inject, injectable } from 'inversify';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { ApplicationError } from './errors.ts';
import type { Clock } from './ports/clock.ts';
import type { DailyClaims } from './ports/daily-claims.ts';
import { type DayReconciled, ReconcileDay, shiftDay } from './reconcile-day.ts';
import { TOKENS } from './tokens.ts';

const JOB = 'reconcile';
// While the bill is not out, or Alipay fails, any process tries again this much later.
const RETRY_MS = 30 * 60_000;

export type YesterdayReconciled =
  | { readonly outcome: 'not_due' }
  | { readonly outcome: 'done'; readonly result: DayReconciled }
  | { readonly outcome: 'not_ready' | 'failed'; readonly date: string; readonly retryAt: Date; readonly why?: string };

/**
 * The server's daily 对账: once it is RECONCILE_AT in Beijing, yesterday's bill is reconciled by one
 * process of all those on the database, retried every half hour that day while it is not published.
 */
@injectable()
export class ReconcileYesterday {
  constructor(
    @inject(ReconcileDay) private readonly reconcileDay: ReconcileDay,
    @inject(TOKENS.DailyClaims) private readonly claims: DailyClaims,
    @inject(TOKENS.ReconcileAt) private readonly reconcileAtMinutes: number | null,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @throws StoreUnavailable */
  async execute(): Promise<YesterdayReconciled> {
    const now = this.clock.now();
    const [today, time] = beijingTimestamp(now).split(' ') as [string, string];
    const [hours, minutes] = time.split(':').map(Number) as [number, number];
    if (this.reconcileAtMinutes === null || hours * 60 + minutes < this.reconcileAtMinutes) return { outcome: 'not_due' };
    const date = shiftDay(today, -1);
    const retryAt = new Date(now.getTime() + RETRY_MS);
    if (!(await this.claims.claim(JOB, date, now, retryAt))) return { outcome: 'not_due' };
    try {
      const result = await this.reconcileDay.execute(date);
      if (result === 'not_ready') return { outcome: 'not_ready', date, retryAt };
      await this.claims.finish(JOB, date);
      return { outcome: 'done', result };
    } catch (error) {
      if (!(error instanceof ApplicationError) || error.code === 'STORE_UNAVAILABLE') throw error;
      return { outcome: 'failed', date, retryAt, why: error.message };
    }
  }
}
