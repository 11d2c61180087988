import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { AdminAction, AdminAudit } from '../../src/application/ports/admin-audit.ts';
import type { DiscrepancyKey, ReconciliationStore } from '../../src/application/ports/reconciliation-store.ts';
import type { ItemKind } from '../../src/domain/reconciliation.ts';
import { anItem, aRun } from './reconciliation-store.contract.ts';

export interface DiscrepanciesHarness {
  readonly name: string;
  /** A fresh, empty store and the audit trail on the same storage. */
  create(): Promise<{ store: ReconciliationStore; audit: AdminAudit }>;
  close(): Promise<void>;
}

const DAY = '2026-11-30';
const DAY_BEFORE = '2026-11-29';
const AT = new Date('2026-12-01T03:00:00.000Z');
const resolution = (note: string, at = AT) => ({ by: 'admin', at, note });
const key = (kind: ItemKind, orderId: string, date = DAY): DiscrepancyKey => ({ date, kind, orderId, tradeNo: `T-${orderId}` });
const action = (note: string, target = `${DAY} O1 T-O1`, at = AT): AdminAction => ({
  at,
  actor: 'admin',
  remoteAddress: '203.0.113.9',
  action: 'resolve_discrepancy',
  target,
  detail: note,
});

/** A day as a run stores it: two discrepancies of O1 and O2, and items that need nobody. */
const aDay = () => [
  anItem('amount_mismatch', 'O1'),
  anItem('missing_in_bill', 'O2'),
  anItem('matched', 'O3'),
  anItem('refund', 'O3'),
  anItem('repaired', 'O4'),
];

export function describeDiscrepanciesContract(harness: DiscrepanciesHarness): void {
  describe(`ReconciliationStore discrepancies contract: ${harness.name}`, () => {
    let store: ReconciliationStore;
    let audit: AdminAudit;
    beforeEach(async () => {
      ({ store, audit } = await harness.create());
    });
    after(() => harness.close());

    const listed = async (date = DAY) => (await store.items(date, { limit: 50 })).rows;
    const resolutionOf = async (orderId: string, date = DAY) => (await listed(date)).find((item) => item.orderId === orderId)?.resolution;

    it('marks a discrepancy handled once, with its audit row; the day lists it handled, the rest waiting', async () => {
      await store.save(aRun(), aDay());
      assert.equal(await store.discrepancyState(key('amount_mismatch', 'O1')), 'pending');
      assert.equal(await store.resolve(key('amount_mismatch', 'O1'), resolution('已与支付宝核对，按账单金额补差'), action('n')), true);
      assert.equal(await store.discrepancyState(key('amount_mismatch', 'O1')), 'resolved');
      assert.deepEqual(await resolutionOf('O1'), resolution('已与支付宝核对，按账单金额补差'));
      assert.equal(await resolutionOf('O2'), null);
      assert.deepEqual(await audit.recent(10), [action('n')]);
      const later = new Date(AT.getTime() + 60_000);
      assert.equal(await store.resolve(key('amount_mismatch', 'O1'), resolution('again', later), action('again')), false, 'only once');
      assert.deepEqual(await resolutionOf('O1'), resolution('已与支付宝核对，按账单金额补差'));
      assert.deepEqual(await audit.recent(10), [action('n')], 'a refused write leaves no audit row');
    });

    it('writes nothing for an item needing nobody, nor for a discrepancy the latest run does not name', async () => {
      await store.save(aRun(), aDay());
      for (const wrong of [
        key('matched', 'O3'),
        key('refund', 'O3'),
        key('repaired', 'O4'),
        key('missing_in_bill', 'O1'),
        key('amount_mismatch', 'O1', DAY_BEFORE),
        key('amount_mismatch', 'O9'),
        { ...key('amount_mismatch', 'O1'), tradeNo: 'T-other' },
        key('amount_mismatch', 'O1', '2026-02-30'),
        key('not_a_kind' as ItemKind, 'O1'),
      ]) {
        assert.equal(await store.discrepancyState(wrong), 'unknown', JSON.stringify(wrong));
        assert.equal(await store.resolve(wrong, resolution('x'), action('x')), false, JSON.stringify(wrong));
      }
      assert.deepEqual(await audit.recent(10), []);
      assert.ok((await listed()).every((item) => item.resolution === null));
    });

    it('lets exactly one of many operators at once mark a discrepancy handled', async () => {
      await store.save(aRun(), aDay());
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.resolve(key('amount_mismatch', 'O1'), resolution(`note ${i}`), action(`note ${i}`))),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.deepEqual(await resolutionOf('O1'), resolution(`note ${winner}`));
      assert.deepEqual(
        (await audit.recent(50)).map((one) => one.detail),
        [`note ${winner}`],
        'one audit row, the winner’s',
      );
    });

    it('keeps a resolution across re-runs: found again it stays handled, no longer found it is said so, found later it is back', async () => {
      await store.save(aRun(), aDay());
      await store.resolve(key('amount_mismatch', 'O1'), resolution('补差'), action('补差'));
      await store.save(aRun(), [anItem('missing_in_bill', 'O2'), anItem('amount_mismatch', 'O1', { billAmountFen: 1 })]);
      assert.deepEqual(await resolutionOf('O1'), resolution('补差'), 'the same discrepancy, found again');
      assert.deepEqual(await store.unfound(DAY, 10), []);

      await store.save(aRun(), [anItem('matched', 'O1'), anItem('missing_in_bill', 'O2')]);
      assert.equal(await store.discrepancyState(key('amount_mismatch', 'O1')), 'unknown');
      assert.deepEqual(await store.unfound(DAY, 10), [{ key: key('amount_mismatch', 'O1'), resolution: resolution('补差') }]);
      assert.equal(await store.resolve(key('amount_mismatch', 'O1'), resolution('x'), action('x')), false);
      assert.equal(await resolutionOf('O1'), null, 'a matched item has no resolution');

      await store.save(aRun(), aDay());
      assert.deepEqual(await resolutionOf('O1'), resolution('补差'));
      assert.deepEqual(await store.unfound(DAY, 10), []);
      assert.deepEqual(await store.unfound(DAY_BEFORE, 10), []);
    });

    it("finds one item of the day's latest run by its id, and none by an id it no longer has", async () => {
      await store.save(aRun(), aDay());
      const o1 = (await listed()).find((item) => item.orderId === 'O1')!;
      assert.deepEqual(await store.item(DAY, o1.id), o1);
      await store.resolve(key('amount_mismatch', 'O1'), resolution('补差'), action('补差'));
      assert.deepEqual((await store.item(DAY, o1.id))?.resolution, resolution('补差'));
      for (const id of ['0', '-1', 'x', '99999999999999999999', `${o1.id}.0`]) assert.equal(await store.item(DAY, id), null, id);
      assert.equal(await store.item(DAY_BEFORE, o1.id), null);
      assert.equal(await store.item('2026-02-30', o1.id), null);
      await store.save(aRun(), aDay());
      assert.equal(await store.item(DAY, o1.id), null, 'a re-run replaced the item');
    });

    it("lists a day's items of exactly one order id", async () => {
      await store.save(aRun(), [...aDay(), anItem('matched', 'O10'), anItem('amount_mismatch', 'O1', { tradeNo: 'T2' })]);
      const rows = (await store.items(DAY, { limit: 50 }, { orderId: 'O1' })).rows;
      assert.deepEqual(
        rows.map((item) => `${item.kind}:${item.tradeNo}`),
        ['amount_mismatch:T-O1', 'amount_mismatch:T2'],
      );
      assert.deepEqual((await store.items(DAY, { limit: 50 }, { orderId: 'O' })).rows, []);
      assert.equal((await store.items(DAY, { limit: 50 }, { kind: 'matched', orderId: 'O3' })).rows.length, 1);
    });

    it("gives an order's discrepancies of every day, newest day first, with the run that found them and those no longer found", async () => {
      const earlier = aRun(DAY_BEFORE, { finishedAt: new Date('2026-11-30T02:30:00.000Z') });
      await store.save(earlier, [anItem('missing_locally', 'O1'), anItem('matched', 'O1', { tradeNo: 'T-other' })]);
      await store.save(aRun(), aDay());
      await store.resolve(key('missing_locally', 'O1', DAY_BEFORE), resolution('已补单'), action('已补单'));
      const { found, unfound } = await store.forOrder('O1', 10);
      assert.deepEqual(
        found.map(({ date, runAt, item }) => [date, runAt.toISOString(), item.kind, item.resolution?.note ?? null]),
        [
          [DAY, aRun().finishedAt.toISOString(), 'amount_mismatch', null],
          [DAY_BEFORE, earlier.finishedAt.toISOString(), 'missing_locally', '已补单'],
        ],
      );
      assert.deepEqual(unfound, []);
      await store.save(earlier, [anItem('matched', 'O1')]);
      const rerun = await store.forOrder('O1', 10);
      assert.deepEqual(
        rerun.found.map(({ item }) => item.kind),
        ['amount_mismatch'],
      );
      assert.deepEqual(rerun.unfound, [{ key: key('missing_locally', 'O1', DAY_BEFORE), resolution: resolution('已补单') }]);
      assert.deepEqual(await store.forOrder('O3', 10), { found: [], unfound: [] }, 'matched and refunds are no discrepancies');
      assert.deepEqual(await store.forOrder('O', 10), { found: [], unfound: [] }, 'exactly the order id');
      assert.equal((await store.forOrder('O1', 1)).found.length, 1);
    });

    it('counts the discrepancies waiting, per day, newest first', async () => {
      assert.deepEqual(await store.waiting(), { count: 0, atLeast: false, days: [] });
      await store.save(aRun(DAY_BEFORE), [anItem('unknown_order', 'U1'), anItem('matched', 'O7')]);
      await store.save(aRun(), aDay());
      assert.deepEqual(await store.waiting(), {
        count: 3,
        atLeast: false,
        days: [
          { date: DAY, count: 2 },
          { date: DAY_BEFORE, count: 1 },
        ],
      });
      await store.resolve(key('unknown_order', 'U1', DAY_BEFORE), resolution('伪造账单行，已报告支付宝'), action('x'));
      await store.resolve(key('amount_mismatch', 'O1'), resolution('补差'), action('y'));
      assert.deepEqual(await store.waiting(), { count: 1, atLeast: false, days: [{ date: DAY, count: 1 }] });
    });

    it('keys hostile ids as the items keep them: cut to 64 characters, NUL replaced', async () => {
      const long = 'z'.repeat(70);
      await store.save(aRun(), [
        anItem('unknown_order', long, { tradeNo: 'y'.repeat(70) }),
        anItem('unknown_order', 'n\u0000', { tradeNo: 'x\u0000' }),
      ]);
      assert.equal(
        await store.resolve({ date: DAY, kind: 'unknown_order', orderId: long, tradeNo: 'y'.repeat(70) }, resolution('a'), action('a')),
        true,
      );
      assert.equal(
        await store.resolve({ date: DAY, kind: 'unknown_order', orderId: 'n\uFFFD', tradeNo: 'x\uFFFD' }, resolution('b'), action('b')),
        true,
      );
      assert.ok((await listed()).every((item) => item.resolution !== null));
      assert.equal((await store.forOrder(long, 10)).found.length, 1);
    });

    it('keeps the refund discrepancies as the others: waiting, in their order, resolved once; a matched refund needs nobody', async () => {
      await store.save(aRun(), [
        anItem('refund_amount_mismatch', 'R1'),
        anItem('refund_unknown', 'R2'),
        anItem('refund_missing_in_bill', 'R3'),
        anItem('refund_matched', 'R4'),
      ]);
      assert.deepEqual(await store.waiting(), { count: 3, atLeast: false, days: [{ date: DAY, count: 3 }] });
      assert.equal(await store.discrepancyState(key('refund_matched', 'R4')), 'unknown');
      const missing = key('refund_missing_in_bill', 'R3');
      assert.equal(await store.resolve(missing, resolution('支付宝次日账单已列出这笔退款'), action('n', `${DAY} R3 T-R3`)), true);
      assert.equal(await store.resolve(missing, resolution('again'), action('again')), false);
      assert.equal(await store.discrepancyState(missing), 'resolved');
      const [found] = (await store.forOrder('R3', 10)).found;
      assert.deepEqual(
        [found?.item.kind, found?.item.refundNo, found?.item.localAmountFen, found?.item.resolution?.note],
        ['refund_missing_in_bill', 'RF-R3', -18_800, '支付宝次日账单已列出这笔退款'],
      );
      assert.equal((await store.waiting()).count, 2);
      await store.save(aRun(), [anItem('refund_unknown', 'R2')]);
      assert.deepEqual(
        (await store.unfound(DAY, 10)).map((one) => one.key.kind),
        ['refund_missing_in_bill'],
        'handled, and no longer found by the re-run',
      );
    });
  });
}
