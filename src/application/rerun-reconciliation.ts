import { inject, injectable } from 'inversify';
import { beijingMidnight, beijingTimestamp } from '../domain/beijing-time.ts';
import type { Actor } from './actor.ts';
import { ApplicationError } from './errors.ts';
import type { AdminAudit } from './ports/admin-audit.ts';
import type { Clock } from './ports/clock.ts';
import type { DailyClaims } from './ports/daily-claims.ts';
import type { ReconciliationRun } from './ports/reconciliation-store.ts';
import { ReconcileDay } from './reconcile-day.ts';
import { RECONCILE_JOB, RECONCILE_LEASE_MS, type ReconcileSchedule } from './reconcile-past-days.ts';
import { TOKENS } from './tokens.ts';

// A day the daily run has finished is never claimed under its job again: a rerun of it claims this one.
const RERUN_JOB = 'reconcile-rerun';

export type RerunOutcome =
  /** Another run holds the day (the schedule's or another operator's, on any process): nothing was done. */
  | { readonly outcome: 'held' }
  | { readonly outcome: 'done'; readonly run: ReconciliationRun }
  | { readonly outcome: 'not_ready' }
  | { readonly outcome: 'failed'; readonly why: string };

/** Where a day stands for staff who may rerun it. */
export interface RerunStanding {
  /** A run holds the day now: running, or waiting out its lease to retry an unpublished bill. */
  readonly held: boolean;
  /** When the daily run next starts (RECONCILE_AT), or null when it is off. */
  readonly nextScheduledRun: Date | null;
}

/**
 * 重新对账 in the back office: reconciles one day now, under the same once-across-processes claim as the
 * daily run, so that two operators, or an operator and the schedule, never run a day at once. Audited.
 */
@injectable()
export class RerunReconciliation {
  constructor(
    @inject(ReconcileDay) private readonly reconcileDay: ReconcileDay,
    @inject(TOKENS.DailyClaims) private readonly claims: DailyClaims,
    @inject(TOKENS.ReconcileSchedule) private readonly schedule: ReconcileSchedule,
    @inject(TOKENS.AdminAudit) private readonly audit: AdminAudit,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @param date a Beijing day, yyyy-MM-dd @throws StoreUnavailable */
  async execute(date: string, operator: Actor): Promise<RerunOutcome> {
    const at = this.clock.now();
    const job = await this.claim(date, at);
    if (job === null) return { outcome: 'held' };
    let rerun: RerunOutcome;
    try {
      const result = await this.reconcileDay.execute(date, () => this.renew(job, date));
      rerun = result === 'not_ready' ? { outcome: 'not_ready' } : { outcome: 'done', run: result.run };
    } catch (error) {
      if (!(error instanceof ApplicationError) || error.code === 'STORE_UNAVAILABLE') {
        await this.release(job, date).catch(() => {});
        // Who started it is kept even when it broke off, as far as the store still answers.
        const detail = `中断：${(error as Error).message}`.slice(0, 300);
        await this.audit.record({ at, ...operator, action: 'rerun_reconciliation', target: date, detail }).catch(() => {});
        throw error;
      }
      rerun = { outcome: 'failed', why: error.message };
    }
    if (rerun.outcome === 'done' && job === RECONCILE_JOB) await this.claims.finish(job, date);
    else await this.release(job, date);
    await this.audit.record({ at, ...operator, action: 'rerun_reconciliation', target: date, detail: auditDetail(rerun) });
    return rerun;
  }

  /** @throws StoreUnavailable */
  async standing(date: string): Promise<RerunStanding> {
    const now = this.clock.now();
    const statuses = await Promise.all([RECONCILE_JOB, RERUN_JOB].map((job) => this.claims.status(job, date, now)));
    return { held: statuses.includes('held'), nextScheduledRun: this.nextScheduledRun(now) };
  }

  /** The day's own job while the daily run has not finished it, else the rerun job; null when either is held. */
  private async claim(date: string, now: Date): Promise<string | null> {
    const until = new Date(now.getTime() + RECONCILE_LEASE_MS);
    if (await this.claims.claim(RECONCILE_JOB, date, now, until)) return RECONCILE_JOB;
    if ((await this.claims.status(RECONCILE_JOB, date, now)) !== 'done') return null;
    return (await this.claims.claim(RERUN_JOB, date, now, until)) ? RERUN_JOB : null;
  }

  private renew(job: string, date: string): void {
    const now = this.clock.now();
    // Best effort, as the daily run's: a failed renewal costs at worst a second run, which replaces this one.
    this.claims.renew(job, date, now, new Date(now.getTime() + RECONCILE_LEASE_MS)).catch(() => {});
  }

  /** Ends the lease now: an operator may try again at once, and the schedule on its next round. */
  private async release(job: string, date: string): Promise<void> {
    const now = this.clock.now();
    await this.claims.renew(job, date, now, now);
  }

  private nextScheduledRun(now: Date): Date | null {
    const { atMinutes } = this.schedule;
    if (atMinutes === null) return null;
    const today = beijingTimestamp(now).slice(0, 10);
    const todays = beijingMidnight(today).getTime() + atMinutes * 60_000;
    return new Date(todays > now.getTime() ? todays : todays + 86_400_000);
  }
}

function auditDetail(rerun: RerunOutcome): string {
  if (rerun.outcome === 'done') {
    const { matched, refund, ...differing } = rerun.run.counts;
    const differences = Object.values(differing).reduce((sum, count) => sum + count, 0);
    return `完成：相符 ${matched} 笔，退款 ${refund} 笔，补录与差异 ${differences} 笔`;
  }
  if (rerun.outcome === 'not_ready') return '支付宝账单尚未生成';
  return rerun.outcome === 'failed' ? `失败：${rerun.why}` : '';
}
