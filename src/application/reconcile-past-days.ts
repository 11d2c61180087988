import { inject, injectable } from 'inversify';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { ApplicationError } from './errors.ts';
import type { Clock } from './ports/clock.ts';
import type { DailyClaims } from './ports/daily-claims.ts';
import { type DayReconciled, ReconcileDay, shiftDay } from './reconcile-day.ts';
import { TOKENS } from './tokens.ts';

/** The daily claim of a day's 对账, which every run of it takes first: no day is run twice at once. */
export const RECONCILE_JOB = 'reconcile';
// While the bill is not out, or Alipay fails, any process tries again this much later; a run holding
// the day renews this lease as it goes, so that no other process takes a day still being worked on.
export const RECONCILE_LEASE_MS = 30 * 60_000;
const JOB = RECONCILE_JOB;
const LEASE_MS = RECONCILE_LEASE_MS;

export interface ReconcileSchedule {
  /** RECONCILE_AT: minutes after midnight, Beijing time; null when off. */
  readonly atMinutes: number | null;
  /** RECONCILE_CATCH_UP_DAYS: how many days back an unfinished day is still reconciled. */
  readonly catchUpDays: number;
}

export type DayOutcome =
  | { readonly outcome: 'not_due' }
  | { readonly outcome: 'done'; readonly result: DayReconciled }
  | { readonly outcome: 'not_ready' | 'failed'; readonly date: string; readonly retryAt: Date; readonly why?: string };

/**
 * The server's daily 对账: once it is RECONCILE_AT in Beijing, every day of the last catchUpDays that
 * is not reconciled yet (yesterday, and any day whose bill stayed unreadable or that no process was up
 * for) is reconciled, oldest first, one day per call, each by one process of all those on the database.
 */
@injectable()
export class ReconcilePastDays {
  constructor(
    @inject(ReconcileDay) private readonly reconcileDay: ReconcileDay,
    @inject(TOKENS.DailyClaims) private readonly claims: DailyClaims,
    @inject(TOKENS.ReconcileSchedule) private readonly schedule: ReconcileSchedule,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** Reconciles the oldest due day this process can claim, if any. @throws StoreUnavailable */
  async execute(): Promise<DayOutcome> {
    const now = this.clock.now();
    const [today, time] = beijingTimestamp(now).split(' ') as [string, string];
    const [hours, minutes] = time.split(':').map(Number) as [number, number];
    const { atMinutes, catchUpDays } = this.schedule;
    if (atMinutes === null || hours * 60 + minutes < atMinutes) return { outcome: 'not_due' };
    for (let back = catchUpDays; back >= 1; back--) {
      const date = shiftDay(today, -back);
      if (await this.claims.claim(JOB, date, now, this.leaseFrom(now))) return this.reconcile(date);
    }
    return { outcome: 'not_due' };
  }

  /**
   * The day that has just left the catch-up window after it was tried and never finished (no run holds
   * it either): no run will
   * take it now, so someone must (`npm run reconcile -- --date D`). Null when there is none.
   */
  async lapsedDay(): Promise<string | null> {
    const today = beijingTimestamp(this.clock.now()).slice(0, 10);
    const date = shiftDay(today, -(this.schedule.catchUpDays + 1));
    return (await this.claims.status(JOB, date, this.clock.now())) === 'lapsed' ? date : null;
  }

  private async reconcile(date: string): Promise<DayOutcome> {
    try {
      const result = await this.reconcileDay.execute(date, () => this.renewLease(date));
      if (result === 'not_ready') return { outcome: 'not_ready', date, retryAt: this.leaseFrom(this.clock.now()) };
      await this.claims.finish(JOB, date);
      return { outcome: 'done', result };
    } catch (error) {
      if (!(error instanceof ApplicationError) || error.code === 'STORE_UNAVAILABLE') throw error;
      return { outcome: 'failed', date, retryAt: this.leaseFrom(this.clock.now()), why: error.message };
    }
  }

  /** On each progress report (every 10,000 bill rows): a long day is not taken over by another process. */
  private renewLease(date: string): void {
    const now = this.clock.now();
    // Best effort: a failed renewal costs at worst a second run of the day, which replaces the first.
    this.claims.renew(JOB, date, now, this.leaseFrom(now)).catch(() => {});
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + LEASE_MS);
  }
}
