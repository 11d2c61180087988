import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { BillUnreadable } from '../../src/application/errors.ts';
import type { ReconciliationRun } from '../../src/application/ports/reconciliation-store.ts';
import type { ReconcileDay } from '../../src/application/reconcile-day.ts';
import { RECONCILE_JOB } from '../../src/application/reconcile-past-days.ts';
import { RerunReconciliation } from '../../src/application/rerun-reconciliation.ts';
import { ITEM_KINDS } from '../../src/domain/reconciliation.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryDailyClaims } from '../../src/infrastructure/in-memory/in-memory-daily-claims.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { type FixedClock, fixedClock, TEST_NOW } from '../support/clock.ts';

const DAY = '2026-11-25';
const OPERATOR = { actor: 'admin', remoteAddress: '203.0.113.9' };
const LATER = new Date(TEST_NOW.getTime() + 60 * 60_000);

function aRun(): ReconciliationRun {
  const counts = Object.fromEntries(ITEM_KINDS.map((kind) => [kind, 0])) as ReconciliationRun['counts'];
  return {
    date: DAY,
    finishedAt: TEST_NOW,
    counts: { ...counts, matched: 3 },
    billTotals: null,
    localTotals: { count: 3, amountFen: 300 },
    deferred: 0,
    problems: [],
  };
}

describe('RerunReconciliation', () => {
  let store: InMemoryStore;
  let claims: InMemoryDailyClaims;
  let clock: FixedClock;
  let answer: () => Promise<{ run: ReconciliationRun } | 'not_ready'>;
  let runs: number;
  const rerun = (atMinutes: number | null = null) => {
    const reconcileDay = {
      execute: async () => {
        runs++;
        return answer();
      },
    } as unknown as ReconcileDay;
    return new RerunReconciliation(reconcileDay, claims, { atMinutes, catchUpDays: 7 }, new InMemoryAdminAudit(store), clock);
  };

  beforeEach(() => {
    store = new InMemoryStore();
    claims = new InMemoryDailyClaims();
    clock = fixedClock();
    runs = 0;
    answer = async () => ({ run: aRun() });
  });

  it('runs an unfinished day under the daily claim, finishes it for the schedule too, and audits who did it', async () => {
    const outcome = await rerun().execute(DAY, OPERATOR);
    assert.equal(outcome.outcome, 'done');
    assert.equal(await claims.status(RECONCILE_JOB, DAY, LATER), 'done', 'the schedule will not run it again');
    assert.deepEqual(store.adminActions, [
      { at: TEST_NOW, ...OPERATOR, action: 'rerun_reconciliation', target: DAY, detail: '完成：相符 3 笔，退款 0 笔，补录与差异 0 笔' },
    ]);
  });

  it('does nothing while the schedule or another operator holds the day, and says so', async () => {
    assert.ok(await claims.claim(RECONCILE_JOB, DAY, TEST_NOW, LATER), 'the scheduler took it');
    assert.deepEqual(await rerun().execute(DAY, OPERATOR), { outcome: 'held' });
    assert.equal(runs, 0);
    assert.deepEqual(store.adminActions, []);
    assert.equal((await rerun().standing(DAY)).held, true);
  });

  it('reruns a finished day once at a time: a second rerun meanwhile is held, and one after it runs again', async () => {
    await claims.finish(RECONCILE_JOB, DAY);
    let release!: () => void;
    answer = () => new Promise((resolve) => (release = () => resolve({ run: aRun() })));
    const first = rerun().execute(DAY, OPERATOR);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await rerun().execute(DAY, OPERATOR), { outcome: 'held' });
    release();
    assert.equal((await first).outcome, 'done');
    answer = async () => ({ run: aRun() });
    assert.equal((await rerun().execute(DAY, OPERATOR)).outcome, 'done');
    assert.equal(runs, 2);
    assert.equal((await rerun().standing(DAY)).held, false);
  });

  it('lets go of the day when the bill is not out or cannot be read, so that it can be tried again at once', async () => {
    answer = async () => 'not_ready';
    assert.deepEqual(await rerun().execute(DAY, OPERATOR), { outcome: 'not_ready' });
    answer = async () => {
      throw new BillUnreadable('no signed answer', 'gateway');
    };
    const failed = await rerun().execute(DAY, OPERATOR);
    assert.equal(failed.outcome, 'failed');
    assert.equal(runs, 2);
    assert.equal(await claims.status(RECONCILE_JOB, DAY, TEST_NOW), 'lapsed', 'not finished: the schedule still owes it');
    assert.deepEqual(
      store.adminActions.map((action) => action.detail),
      ['支付宝账单尚未生成', `失败：${(failed as { why: string }).why}`],
    );
  });

  it('names the next daily run: today at RECONCILE_AT if still ahead, else tomorrow; none when off', async () => {
    // TEST_NOW is 15:30 in Beijing.
    assert.deepEqual((await rerun(16 * 60).standing(DAY)).nextScheduledRun, new Date('2026-11-26T16:00:00+08:00'));
    assert.deepEqual((await rerun(9 * 60 + 30).standing(DAY)).nextScheduledRun, new Date('2026-11-27T09:30:00+08:00'));
    assert.equal((await rerun(null).standing(DAY)).nextScheduledRun, null);
  });
});
