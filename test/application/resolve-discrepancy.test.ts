import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { InvalidQuery } from '../../src/application/errors.ts';
import { ListPayments } from '../../src/application/list-payments.ts';
import { ResolveDiscrepancy, type ResolveDiscrepancyCommand } from '../../src/application/resolve-discrepancy.ts';
import { ShowOrderTimeline, type TimelineDiscrepancy } from '../../src/application/show-order-timeline.ts';
import { ShowReconciliationDay } from '../../src/application/show-reconciliation-day.ts';
import { DiscrepancyNotPending } from '../../src/domain/discrepancy.ts';
import { InvalidReviewNote } from '../../src/domain/review.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentLedger } from '../../src/infrastructure/in-memory/in-memory-payment-ledger.ts';
import { InMemoryReconciliationStore } from '../../src/infrastructure/in-memory/in-memory-reconciliation-store.ts';
import { InMemoryRefundStore } from '../../src/infrastructure/in-memory/in-memory-refund-store.ts';
import { InMemoryRejectionLog } from '../../src/infrastructure/in-memory/in-memory-rejection-log.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { anItem, aRun } from '../contracts/reconciliation-store.contract.ts';
import { fixedClock } from '../support/clock.ts';

const DAY = '2026-11-30';
const NOW = new Date('2026-12-01T03:00:00.000Z');
const NOTE = '已在支付宝核对：账单金额为准，已联系顾客补差';

describe('ResolveDiscrepancy, and where a discrepancy shows, over in-memory adapters', () => {
  let store: InMemoryStore;
  let reconciliations: InMemoryReconciliationStore;
  let resolve: ResolveDiscrepancy;
  const command = (changes: Partial<ResolveDiscrepancyCommand> = {}): ResolveDiscrepancyCommand => ({
    date: DAY,
    kind: 'amount_mismatch',
    orderId: 'O1',
    tradeNo: 'T-O1',
    note: `  ${NOTE}\n`,
    actor: 'operator-1',
    remoteAddress: '203.0.113.9',
    ...changes,
  });
  const audit = () => new InMemoryAdminAudit(store).recent(10);

  beforeEach(async () => {
    store = new InMemoryStore();
    reconciliations = new InMemoryReconciliationStore(store);
    resolve = new ResolveDiscrepancy(reconciliations, fixedClock(NOW));
    await reconciliations.save(aRun(), [anItem('amount_mismatch', 'O1'), anItem('unknown_order', 'U1'), anItem('matched', 'O2')]);
  });

  it('marks it 已处理 with the note trimmed, by the signed-in operator, audited as resolve_discrepancy', async () => {
    const key = await resolve.execute(command());
    assert.deepEqual(key, { date: DAY, kind: 'amount_mismatch', orderId: 'O1', tradeNo: 'T-O1' });
    const [item] = (await reconciliations.items(DAY, { limit: 10 }, { orderId: 'O1' })).rows;
    assert.deepEqual(item?.resolution, { by: 'operator-1', at: NOW, note: NOTE });
    assert.deepEqual(await audit(), [
      {
        at: NOW,
        actor: 'operator-1',
        remoteAddress: '203.0.113.9',
        action: 'resolve_discrepancy',
        target: `${DAY} O1 T-O1`,
        detail: NOTE,
      },
    ]);
  });

  it('refuses a second resolution, and a discrepancy the run does not name, writing nothing', async () => {
    await resolve.execute(command());
    await assert.rejects(
      resolve.execute(command({ note: 'again' })),
      (error) => error instanceof DiscrepancyNotPending && error.state === 'resolved',
    );
    for (const wrong of [
      { kind: 'matched', orderId: 'O2', tradeNo: 'T-O2' },
      { kind: 'nonsense' },
      { tradeNo: 'T-other' },
      { date: '2026-11-29' },
    ]) {
      await assert.rejects(
        resolve.execute(command(wrong)),
        (error) => error instanceof DiscrepancyNotPending && error.state === 'unknown',
        JSON.stringify(wrong),
      );
    }
    assert.equal((await audit()).length, 1);
  });

  it('needs a note by the rules of a review note, and a real day', async () => {
    for (const note of ['', '  \n ', 'x'.repeat(501), 'a\u0000b']) {
      await assert.rejects(resolve.execute(command({ note, kind: 'unknown_order', orderId: 'U1', tradeNo: 'T-U1' })), InvalidReviewNote);
    }
    await assert.rejects(resolve.execute(command({ date: '2026-02-30' })), InvalidQuery);
    assert.deepEqual(await audit(), []);
  });

  it('lets exactly one of two operators at once win', async () => {
    const results = await Promise.allSettled([resolve.execute(command({ actor: 'a' })), resolve.execute(command({ actor: 'b' }))]);
    assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((await audit()).length, 1);
  });

  it('shows in the order timeline, on its day with what no re-run found again, and counted on the payments page while it waits', async () => {
    const clock = fixedClock(NOW);
    const ledger = new InMemoryPaymentLedger(store, clock);
    const timeline = new ShowOrderTimeline(
      new InMemoryOrderRepository(store),
      ledger,
      new InMemoryRejectionLog({ maxRows: 10, maxAgeDays: 90 }, clock, store),
      new InMemoryPaymentEventLog(),
      reconciliations,
      new InMemoryRefundStore(store),
    );
    const list = new ListPayments(ledger, reconciliations);
    const day = new ShowReconciliationDay(reconciliations);
    const discrepancyOf = async (orderId: string) =>
      (await timeline.execute(orderId))?.entries.flatMap((entry) => (entry.kind === 'discrepancy' ? [entry] : [])) ?? [];

    const [waiting] = await discrepancyOf('U1');
    assert.equal(waiting?.at.getTime(), aRun().finishedAt.getTime(), 'at the run that found it');
    assert.deepEqual(pick(waiting!.discrepancy), { date: DAY, kind: 'unknown_order', tradeNo: 'T-U1', found: true, resolution: null });
    assert.deepEqual((await list.execute({}, { limit: 10 })).waitingDiscrepancies, {
      count: 2,
      atLeast: false,
      days: [{ date: DAY, count: 2 }],
    });
    assert.equal((await day.execute(DAY, {}, { limit: 10 }))?.waiting, 2);

    await resolve.execute(command({ kind: 'unknown_order', orderId: 'U1', tradeNo: 'T-U1' }));
    assert.equal((await list.execute({}, { limit: 10 })).waitingDiscrepancies.count, 1);
    await reconciliations.save(aRun(), [anItem('amount_mismatch', 'O1')]);
    const [unfound] = await discrepancyOf('U1');
    assert.equal(unfound?.at.getTime(), NOW.getTime(), 'no longer found: at its resolution');
    assert.deepEqual(pick(unfound!.discrepancy), {
      date: DAY,
      kind: 'unknown_order',
      tradeNo: 'T-U1',
      found: false,
      resolution: { by: 'operator-1', at: NOW, note: NOTE },
    });
    const shown = await day.execute(DAY, {}, { limit: 10 });
    assert.deepEqual(
      shown?.unfound.map(({ key }) => key),
      [{ date: DAY, kind: 'unknown_order', orderId: 'U1', tradeNo: 'T-U1' }],
    );
    assert.equal(await timeline.execute('nothing-known'), null);
  });
});

const pick = ({ date, kind, tradeNo, item, resolution }: TimelineDiscrepancy) => ({
  date,
  kind,
  tradeNo,
  found: item !== null,
  resolution,
});
