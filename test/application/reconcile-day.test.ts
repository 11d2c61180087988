import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { DailyClaims } from '../../src/application/ports/daily-claims.ts';
import type { ReconciliationItem } from '../../src/application/ports/reconciliation-store.ts';
import type { DayReconciled, ReconcileDay } from '../../src/application/reconcile-day.ts';
import { ReconcilePastDays } from '../../src/application/reconcile-past-days.ts';
import { ResolveDiscrepancy } from '../../src/application/resolve-discrepancy.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { InMemoryDailyClaims } from '../../src/infrastructure/in-memory/in-memory-daily-claims.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryReconciliationStore } from '../../src/infrastructure/in-memory/in-memory-reconciliation-store.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { createTestAlipay } from '../support/alipay-signer.ts';
import { appPublicKeyPem } from '../support/app-keys.ts';
import { FakeAlipayGateway, notExistAnswer, paidAnswer } from '../support/fake-alipay-gateway.ts';
import { FakeBillServer } from '../support/fake-bill-server.ts';
import { inMemoryReconcileDay } from '../support/in-memory-reconcile-day.ts';
import { billRow, billZip, crlf, detailText, gbk } from '../support/trade-bill-fixtures.ts';

const alipay = createTestAlipay();
const DAY = '2026-11-30';
const NEXT_DAY = '2026-12-01';
const DAY_BEFORE = '2026-11-29';
const URL_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
/** An instant of DAY in Beijing time. */
const beijing = (time: string, day = DAY) => new Date(`${day}T${time}+08:00`);
const order = (id: string, amount: string) => Order.place(id, Money.parse(amount), PayMethod.ALIPAY, beijing('09:00:00'));

function bill(day: string, rows: Array<{ trade: string; order: string; amount: string; kind?: string }>): Uint8Array {
  const lines = rows.map((row) =>
    billRow({
      tradeNo: row.trade,
      outTradeNo: row.order,
      amount: row.amount,
      kind: row.kind,
      created: `${day} 10:00:00`,
      finished: `${day} 10:00:05`,
    }),
  );
  return billZip(gbk(crlf(detailText({ day, lines }))), { day: day.replaceAll('-', '') });
}

describe('ReconcileDay on in-memory adapters, with Alipay played by a local fake gateway', () => {
  let gateway: FakeAlipayGateway;
  const files = { [DAY_BEFORE]: new FakeBillServer(), [DAY]: new FakeBillServer(), [NEXT_DAY]: new FakeBillServer() };
  let nextDayReady = false;
  /** Alipay has since taken order E's money (trade TE), which at first it said no trade of. */
  let ePaid = false;
  let store: InMemoryStore;
  let reconciliations: InMemoryReconciliationStore;
  let reconcile: ReconcileDay;
  let now: Date;
  let claims: InMemoryDailyClaims;

  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    for (const server of Object.values(files)) await server.start();
    gateway.answer = (call) => {
      if (call.params.method === 'alipay.trade.query') {
        const answer =
          call.outTradeNo === 'C'
            ? paidAnswer('C', '30.00', 'TC')
            : call.outTradeNo === 'E' && ePaid
              ? paidAnswer('E', '40.00', 'TE')
              : notExistAnswer(call.outTradeNo);
        return { body: gateway.signedQueryAnswer(answer) };
      }
      const day = JSON.parse(call.params.biz_content ?? '{}').bill_date as string;
      if (day === NEXT_DAY && !nextDayReady) {
        return { body: gateway.signedAnswer(URL_KEY, { code: '40004', msg: 'Business Failed', sub_code: 'isp.bill_not_exist' }) };
      }
      return {
        body: gateway.signedAnswer(URL_KEY, {
          code: '10000',
          msg: 'Success',
          bill_download_url: files[day as keyof typeof files]!.url(day),
        }),
      };
    };
  });
  after(async () => {
    await gateway.close();
    for (const server of Object.values(files)) await server.close();
  });

  beforeEach(async () => {
    nextDayReady = false;
    ePaid = false;
    store = new InMemoryStore();
    reconciliations = new InMemoryReconciliationStore(store);
    now = beijing('10:30:00', NEXT_DAY);
    claims = new InMemoryDailyClaims();
    const clock = { now: () => now };
    reconcile = inMemoryReconcileDay({ store, reconciliations, gatewayUrl: gateway.url, alipayPublicKeyPem: alipay.publicKeyPem, clock });

    const orders = new InMemoryOrderRepository(store);
    for (const [id, amount] of [
      ['A', '88.80'],
      ['B', '12.00'],
      ['C', '30.00'],
      ['E', '40.00'],
      ['M', '5.00'],
      ['P', '6.00'],
      ['L', '7.00'],
    ] as const) {
      await orders.add(order(id, amount));
    }
    const recorded = (orderId: string, tradeNo: string, amount: string, at: Date) =>
      store.payments.set(tradeNo, { orderId, tradeNo, amount: Money.parse(amount), source: 'notify', receivedAt: at, reviewReason: null });
    recorded('A', 'TA', '88.80', beijing('10:00:06'));
    recorded('B', 'TB', '10.00', beijing('10:01:00'));
    recorded('M', 'TM', '5.00', beijing('12:00:00'));
    recorded('P', 'TP', '6.00', beijing('00:10:00')); // billed the day before, recorded after midnight
    recorded('L', 'TL', '7.00', beijing('23:55:00')); // recorded just before midnight
    files[DAY].body = bill(DAY, [
      { trade: 'TA', order: 'A', amount: '88.80' },
      { trade: 'TB', order: 'B', amount: '12.00' },
      { trade: 'TC', order: 'C', amount: '30.00' },
      { trade: 'TE', order: 'E', amount: '40.00' },
      { trade: 'TU', order: 'U', amount: '1.00' },
      { trade: 'TA', order: 'A', amount: '-8.80', kind: '退款' },
    ]);
    files[NEXT_DAY].body = bill(NEXT_DAY, [{ trade: 'TL', order: 'L', amount: '7.00' }]);
    await reconciliations.save(
      {
        date: DAY_BEFORE,
        finishedAt: beijing('10:30:00'),
        counts: {
          matched: 1,
          repaired: 0,
          repaired_for_review: 0,
          missing_locally: 0,
          amount_mismatch: 0,
          missing_in_bill: 0,
          unknown_order: 0,
          refund_matched: 0,
          refund_amount_mismatch: 0,
          refund_status_mismatch: 0,
          refund_unknown: 0,
          refund_missing_in_bill: 0,
          refund: 0,
        },
        billTotals: null,
        localTotals: { count: 0, amountFen: 0 },
        deferred: 0,
        problems: [],
      },
      [{ kind: 'matched', orderId: 'P', tradeNo: 'TP', localAmountFen: 600, billAmountFen: 600, detail: '', refundNo: null }],
    );
  });

  /** The stored day's items but the matched ones. */
  const discrepancies = async (): Promise<ReconciliationItem[]> =>
    (await reconciliations.items(DAY, { limit: 100 })).rows.filter((entry) => entry.kind !== 'matched');
  const kinds = async (result: DayReconciled | 'not_ready') => {
    assert.notEqual(result, 'not_ready');
    return Object.fromEntries((await discrepancies()).map((entry) => [entry.tradeNo, entry.kind]));
  };

  it('classifies every trade of the bill and every payment of the day', async () => {
    const result = await reconcile.execute(DAY);
    assert.deepEqual(await kinds(result), {
      TB: 'amount_mismatch',
      TC: 'repaired',
      TE: 'missing_locally',
      TU: 'unknown_order',
      TA: 'refund_unknown',
      TM: 'missing_in_bill',
    });
    const { run } = result as DayReconciled;
    assert.deepEqual(run.counts, {
      matched: 1,
      repaired: 1,
      repaired_for_review: 0,
      missing_locally: 1,
      amount_mismatch: 1,
      missing_in_bill: 1,
      unknown_order: 1,
      refund_matched: 0,
      refund_amount_mismatch: 0,
      refund_status_mismatch: 0,
      refund_unknown: 1,
      refund_missing_in_bill: 0,
      refund: 0,
    });
    assert.deepEqual(run.localTotals, { count: 5, amountFen: 8880 + 1000 + 500 + 600 + 700 });
    const mismatch = (await discrepancies()).find((entry) => entry.tradeNo === 'TB');
    assert.deepEqual([mismatch?.localAmountFen, mismatch?.billAmountFen], [1000, 1200]);
  });

  it('repairs through alipay.trade.query and the same use case: the payment is recorded with source query', async () => {
    await reconcile.execute(DAY);
    const repaired = store.payments.get('TC');
    assert.equal(repaired?.source, 'query');
    assert.equal(store.orders.get('C')?.status, OrderStatus.UNCOMMENT);
    assert.equal(store.payments.has('TE'), false, 'not confirmed by the query: nothing recorded');
  });

  it('counts a repair whose payment was kept for review as a kind of its own, for someone to act on', async () => {
    // Order C was cancelled after Alipay took its money: the payment is recorded, and kept for review.
    store.orders.set('C', { ...store.orders.get('C')!, status: OrderStatus.CANCELED });
    const result = (await reconcile.execute(DAY)) as DayReconciled;
    assert.equal((await kinds(result)).TC, 'repaired_for_review');
    assert.deepEqual([result.run.counts.repaired, result.run.counts.repaired_for_review], [0, 1]);
    assert.equal(store.payments.get('TC')?.reviewReason, 'ORDER_CANCELED');
    assert.match((await discrepancies()).find((entry) => entry.tradeNo === 'TC')!.detail, /payment kept for review/);
  });

  it('does not call a payment recorded just before midnight missing until the next day’s bill is read', async () => {
    const before = (await reconcile.execute(DAY)) as DayReconciled;
    assert.equal(before.run.deferred, 1);
    assert.equal((await kinds(before)).TL, undefined);
    nextDayReady = true;
    const billedNextDay = (await reconcile.execute(DAY)) as DayReconciled;
    assert.equal(billedNextDay.run.deferred, 0);
    assert.equal((await kinds(billedNextDay)).TL, undefined, 'in the next day’s bill: not missing');
    files[NEXT_DAY].body = bill(NEXT_DAY, []);
    assert.equal((await kinds(await reconcile.execute(DAY))).TL, 'missing_in_bill', 'in neither bill: missing');
  });

  it('is idempotent: a re-run replaces the day, and what it repaired is now matched', async () => {
    await reconcile.execute(DAY);
    const again = (await reconcile.execute(DAY)) as DayReconciled;
    assert.equal(again.run.counts.repaired, 0);
    assert.equal(again.run.counts.matched, 2);
    assert.equal([...store.payments.values()].filter((payment) => payment.tradeNo === 'TC').length, 1);
    const stored = await reconciliations.items(DAY, { limit: 100 });
    assert.equal(stored.rows.length, 7, 'one run of the day: its 7 items, nothing twice');
  });

  it('keeps what staff did about a discrepancy across re-runs, and says so when a re-run no longer finds it', async () => {
    await reconcile.execute(DAY);
    const resolve = new ResolveDiscrepancy(reconciliations, { now: () => now });
    const note = '支付宝称无此交易，已联系顾客核实';
    await resolve.execute({ date: DAY, kind: 'missing_locally', orderId: 'E', tradeNo: 'TE', note, actor: 'admin', remoteAddress: '::1' });
    const handled = async () => (await reconciliations.items(DAY, { limit: 100 }, { orderId: 'E' })).rows;

    await reconcile.execute(DAY);
    assert.deepEqual(
      (await handled()).map((item) => [item.kind, item.resolution?.note]),
      [['missing_locally', note]],
      'found again: still handled',
    );
    assert.deepEqual(await reconciliations.unfound(DAY, 10), []);

    ePaid = true;
    await reconcile.execute(DAY);
    assert.deepEqual(
      (await handled()).map((item) => [item.kind, item.resolution]),
      [['repaired', null]],
      'repaired now: no discrepancy',
    );
    assert.deepEqual(
      (await reconciliations.unfound(DAY, 10)).map(({ key, resolution }) => [key.kind, key.tradeNo, resolution.note]),
      [['missing_locally', 'TE', note]],
      'the re-run no longer found it, and the day says so',
    );
  });

  describe('ReconcilePastDays, the daily run', () => {
    const daily = (atMinutes: number | null = 10 * 60 + 30, catchUpDays = 1, dailyClaims: DailyClaims = claims) =>
      new ReconcilePastDays(reconcile, dailyClaims, { atMinutes, catchUpDays }, { now: () => now });

    it('waits for RECONCILE_AT in Beijing, then reconciles yesterday once', async () => {
      now = beijing('10:29:59', NEXT_DAY);
      assert.deepEqual(await daily().execute(), { outcome: 'not_due' });
      now = beijing('10:30:00', NEXT_DAY);
      const done = await daily().execute();
      assert.equal(done.outcome, 'done');
      assert.equal(done.outcome === 'done' && done.result.run.date, DAY);
      now = beijing('15:00:00', NEXT_DAY);
      assert.deepEqual(await daily().execute(), { outcome: 'not_due' }, 'done for that day');
      assert.deepEqual(await daily(null).execute(), { outcome: 'not_due' }, 'off');
    });

    it('tries again half an hour later while the bill is not out', async () => {
      now = beijing('10:30:00', '2026-12-02'); // yesterday is NEXT_DAY, whose bill is not ready
      const first = await daily().execute();
      assert.equal(first.outcome, 'not_ready');
      now = beijing('10:59:00', '2026-12-02');
      assert.deepEqual(await daily().execute(), { outcome: 'not_due' });
      nextDayReady = true;
      now = beijing('11:00:00', '2026-12-02');
      assert.equal((await daily().execute()).outcome, 'done');
    });

    it('catches up every unfinished day of the window, oldest first, one a call, then stops', async () => {
      nextDayReady = true;
      files[DAY_BEFORE].body = bill(DAY_BEFORE, [{ trade: 'TP', order: 'P', amount: '6.00' }]);
      now = beijing('10:30:00', '2026-12-02'); // three days back: DAY_BEFORE, DAY and NEXT_DAY
      const dates: string[] = [];
      for (let call = 0; call < 4; call++) {
        const outcome = await daily(10 * 60 + 30, 3).execute();
        dates.push(outcome.outcome === 'done' ? outcome.result.run.date : outcome.outcome);
      }
      assert.deepEqual(dates, [DAY_BEFORE, DAY, NEXT_DAY, 'not_due']);
      assert.deepEqual(await daily(10 * 60 + 30, 1).execute(), { outcome: 'not_due' }, 'a shorter window: nothing left');
    });

    it('names the day that left the window tried and unfinished, and no other', async () => {
      now = beijing('10:30:00', '2026-12-02'); // yesterday is NEXT_DAY, whose bill is not ready
      assert.equal((await daily().execute()).outcome, 'not_ready');
      assert.equal(await daily().lapsedDay(), null, 'still in the window');
      now = beijing('10:30:00', '2026-12-03');
      assert.equal(await daily().lapsedDay(), NEXT_DAY, 'one day on, with a window of one day: it lapsed');
      now = beijing('10:30:00', '2026-12-04');
      assert.equal(await daily().lapsedDay(), null, 'a day never tried is not named');
      now = beijing('10:31:00', '2026-12-03');
      assert.equal(await claims.claim('reconcile', NEXT_DAY, now, beijing('11:01:00', '2026-12-03')), true);
      now = beijing('10:35:00', '2026-12-03');
      assert.equal(await daily().lapsedDay(), null, 'another process holds it right now');
      await claims.finish('reconcile', NEXT_DAY);
      now = beijing('12:00:00', '2026-12-03');
      assert.equal(await daily().lapsedDay(), null, 'done');
    });

    it('renews its lease as it reports progress, so that no other process takes the day meanwhile', async () => {
      const renewals: string[] = [];
      const recorded: DailyClaims = {
        claim: (...args) => claims.claim(...args),
        finish: (...args) => claims.finish(...args),
        status: (...args) => claims.status(...args),
        renew: async (job, day, at, until) => {
          const renewed = await claims.renew(job, day, at, until);
          renewals.push(`${day} ${renewed}`);
          return renewed;
        },
      };
      now = beijing('10:30:00', NEXT_DAY);
      assert.equal((await daily(10 * 60 + 30, 1, recorded).execute()).outcome, 'done');
      assert.ok(renewals.length > 0, 'renewed at each progress report: after each batch of rows, and at the end');
      assert.deepEqual(new Set(renewals), new Set([`${DAY} true`]));
    });
  });

  it('answers not_ready while Alipay has not published the bill, and stores nothing', async () => {
    assert.equal(await reconcile.execute(NEXT_DAY), 'not_ready');
    assert.equal(await reconciliations.run(NEXT_DAY), null);
  });
});
