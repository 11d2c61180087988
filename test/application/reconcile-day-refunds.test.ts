import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { StoredItem } from '../../src/application/ports/reconciliation-store.ts';
import type { DayReconciled, ReconcileDay } from '../../src/application/reconcile-day.ts';
import { ResolveDiscrepancy } from '../../src/application/resolve-discrepancy.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { PayMethod } from '../../src/domain/order-status.ts';
import { InMemoryReconciliationStore } from '../../src/infrastructure/in-memory/in-memory-reconciliation-store.ts';
import { InMemoryRefundStore } from '../../src/infrastructure/in-memory/in-memory-refund-store.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { createTestAlipay } from '../support/alipay-signer.ts';
import { appPublicKeyPem } from '../support/app-keys.ts';
import { FakeAlipayGateway, notExistAnswer } from '../support/fake-alipay-gateway.ts';
import { FakeBillServer } from '../support/fake-bill-server.ts';
import { inMemoryReconcileDay } from '../support/in-memory-reconcile-day.ts';
import { billRow, billZip, crlf, detailText, gbk } from '../support/trade-bill-fixtures.ts';

const alipay = createTestAlipay();
const DAY = '2026-11-30';
const NEXT_DAY = '2026-12-01';
const URL_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
/** An instant of DAY (or another day) in Beijing time. */
const beijing = (time: string, day = DAY) => new Date(`${day}T${time}+08:00`);

interface Row {
  readonly trade: string;
  readonly order: string;
  readonly amount: string;
  /** A 退款 row with this 退款批次号/请求号. */
  readonly refundNo?: string;
}

function bill(day: string, rows: readonly Row[]): Uint8Array {
  const lines = rows.map((row) =>
    billRow({
      tradeNo: row.trade,
      outTradeNo: row.order,
      amount: row.amount,
      kind: row.refundNo === undefined ? '交易' : '退款',
      refundNo: row.refundNo,
      created: `${day} 10:00:00`,
      finished: `${day} 10:00:05`,
    }),
  );
  return billZip(gbk(crlf(detailText({ day, lines }))), { day: day.replaceAll('-', '') });
}

// Payments of the day, each billed: A 88.80, B 12.00, C 30.00.
const TRADES: readonly Row[] = [
  { trade: 'TA', order: 'A', amount: '88.80' },
  { trade: 'TB', order: 'B', amount: '12.00' },
  { trade: 'TC', order: 'C', amount: '30.00' },
];

describe('ReconcileDay compares the bill’s 退款 rows with our refunds (in-memory adapters)', () => {
  let gateway: FakeAlipayGateway;
  const files = { [DAY]: new FakeBillServer(), [NEXT_DAY]: new FakeBillServer() };
  let nextDayReady = false;
  let store: InMemoryStore;
  let reconciliations: InMemoryReconciliationStore;
  let refunds: InMemoryRefundStore;
  let reconcile: ReconcileDay;
  let now: Date;

  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    for (const server of Object.values(files)) await server.start();
    gateway.answer = (call) => {
      if (call.params.method === 'alipay.trade.query') return { body: gateway.signedQueryAnswer(notExistAnswer(call.outTradeNo)) };
      const day = JSON.parse(call.params.biz_content ?? '{}').bill_date as string;
      if (day === NEXT_DAY && !nextDayReady) {
        return { body: gateway.signedAnswer(URL_KEY, { code: '40004', msg: 'Business Failed', sub_code: 'isp.bill_not_exist' }) };
      }
      const url = files[day as keyof typeof files]!.url(day);
      return { body: gateway.signedAnswer(URL_KEY, { code: '10000', msg: 'Success', bill_download_url: url }) };
    };
  });
  after(async () => {
    await gateway.close();
    for (const server of Object.values(files)) await server.close();
  });

  beforeEach(async () => {
    nextDayReady = false;
    store = new InMemoryStore();
    reconciliations = new InMemoryReconciliationStore(store);
    refunds = new InMemoryRefundStore(store);
    now = beijing('10:30:00', NEXT_DAY);
    const clock = { now: () => now };
    reconcile = inMemoryReconcileDay({ store, reconciliations, gatewayUrl: gateway.url, alipayPublicKeyPem: alipay.publicKeyPem, clock });
    for (const { trade, order, amount } of TRADES) {
      store.orders.set(order, Order.place(order, Money.parse(amount), PayMethod.ALIPAY, beijing('09:00:00')).toSnapshot());
      store.payments.set(trade, {
        orderId: order,
        tradeNo: trade,
        amount: Money.parse(amount),
        source: 'notify',
        receivedAt: beijing('10:00:06'),
        reviewReason: null,
      });
    }
    files[NEXT_DAY].body = bill(NEXT_DAY, []);
  });

  /** A refund of ours, asked for by an operator, that Alipay carried out at `refundedAt`; pending when null. */
  async function refunded(outRequestNo: string, tradeNo: string, amount: string, refundedAt: Date | null): Promise<void> {
    const orderId = store.payments.get(tradeNo)!.orderId;
    const requestedAt = beijing('09:30:00');
    const audit = { at: requestedAt, actor: 'admin', remoteAddress: '203.0.113.9', action: 'refund', target: orderId, detail: '' } as const;
    const refund = { outRequestNo, orderId, tradeNo, amount: Money.parse(amount), reason: '缺货', requestedBy: 'admin', requestedAt };
    assert.equal((await refunds.request(refund, audit, requestedAt)).outcome, 'requested');
    if (refundedAt) assert.notEqual(await refunds.settleRefunded(outRequestNo, refundedAt, refundedAt), null);
  }

  const reconciled = async (): Promise<DayReconciled> => {
    const result = await reconcile.execute(DAY);
    assert.notEqual(result, 'not_ready');
    return result as DayReconciled;
  };
  /** The stored day's refund items, by out_request_no. */
  const refundItems = async (): Promise<Record<string, StoredItem>> =>
    Object.fromEntries(
      (await reconciliations.items(DAY, { limit: 100 })).rows.filter((item) => item.refundNo !== null).map((item) => [item.refundNo, item]),
    );
  const kinds = async () => Object.fromEntries(Object.entries(await refundItems()).map(([refundNo, item]) => [refundNo, item.kind]));

  it('matches a 退款 row with our refund of the same amount, and never takes it for a payment', async () => {
    await refunded('R-A1', 'TA', '8.80', beijing('11:00:00'));
    files[DAY].body = bill(DAY, [...TRADES, { trade: 'TA', order: 'A', amount: '-8.80', refundNo: 'R-A1' }]);
    const { run } = await reconciled();
    assert.deepEqual([run.counts.matched, run.counts.refund_matched, run.counts.refund], [3, 1, 0]);
    const { 'R-A1': item } = await refundItems();
    assert.deepEqual(
      [item?.kind, item?.orderId, item?.tradeNo, item?.localAmountFen, item?.billAmountFen],
      ['refund_matched', 'A', 'TA', -880, -880],
    );
    assert.deepEqual(run.localTotals, { count: 3, amountFen: 8880 + 1200 + 3000 });
    assert.equal((await reconciliations.waiting()).count, 0, 'nobody has to look');
  });

  it('calls a different amount a discrepancy, and one no refund of ours names (refunded in Alipay’s portal, never notified) unknown', async () => {
    await refunded('R-B1', 'TB', '2.00', beijing('11:00:00'));
    files[DAY].body = bill(DAY, [
      ...TRADES,
      { trade: 'TB', order: 'B', amount: '-3.00', refundNo: 'R-B1' },
      { trade: 'TC', order: 'C', amount: '-30.00', refundNo: '2026113000000001' },
    ]);
    const { run } = await reconciled();
    assert.deepEqual([run.counts.refund_amount_mismatch, run.counts.refund_unknown], [1, 1]);
    const items = await refundItems();
    assert.deepEqual([items['R-B1']?.localAmountFen, items['R-B1']?.billAmountFen], [-200, -300]);
    assert.deepEqual([items['2026113000000001']?.kind, items['2026113000000001']?.localAmountFen], ['refund_unknown', null]);
    assert.equal((await reconciliations.waiting()).count, 2);
  });

  it('calls a 退款 row of a refund we hold as refused or still pending a status mismatch, saying what to do, whatever its amount', async () => {
    await refunded('R-A5', 'TA', '8.80', null);
    assert.equal(await refunds.settleRefused('R-A5', beijing('09:31:00'), { subCode: 'ACQ.SYSTEM_ERROR', message: '系统错误' }), true);
    await refunded('R-B5', 'TB', '2.00', null);
    await refunded('R-C5', 'TC', '30.00', beijing('11:00:00'));
    files[DAY].body = bill(DAY, [
      ...TRADES,
      { trade: 'TA', order: 'A', amount: '-8.80', refundNo: 'R-A5' },
      { trade: 'TB', order: 'B', amount: '-3.00', refundNo: 'R-B5' },
      { trade: 'TC', order: 'C', amount: '-30.00', refundNo: 'R-C5' },
    ]);
    const { run } = await reconciled();
    assert.deepEqual(
      [run.counts.refund_status_mismatch, run.counts.refund_amount_mismatch, run.counts.refund_matched],
      [2, 0, 1],
      'the status outranks the amount; a refunded one matches',
    );
    const items = await refundItems();
    assert.deepEqual(
      [items['R-A5']?.kind, items['R-A5']?.localAmountFen, items['R-A5']?.billAmountFen, items['R-A5']?.detail],
      ['refund_status_mismatch', -880, -880, '退款批次号 R-A5；本系统记为退款失败；支付宝账单显示已退款，请核实，勿重复退款'],
    );
    assert.deepEqual(
      [items['R-B5']?.kind, items['R-B5']?.detail],
      [
        'refund_status_mismatch',
        '退款批次号 R-B5；本系统中仍在处理中，金额也不符（本系统 ¥2.00，账单 ¥3.00）；请在订单时间线上点“向支付宝查询退款”',
      ],
    );
    assert.equal(items['R-C5']?.kind, 'refund_matched');
    assert.equal((await reconciliations.waiting()).count, 2);
    const resolve = new ResolveDiscrepancy(reconciliations, { now: () => now });
    await resolve.execute({
      date: DAY,
      kind: 'refund_status_mismatch',
      orderId: 'A',
      tradeNo: 'TA',
      actor: 'admin',
      remoteAddress: '203.0.113.9',
      note: '支付宝确认已退款，本系统记录有误，已告知财务',
    });
    assert.equal((await reconciliations.waiting()).count, 1);
  });

  it('knows an external refund that Alipay’s notify told us of (its out_biz_no), and matches it', async () => {
    const learnt = await refunds.recordExternal({
      outRequestNo: 'PORTAL-1',
      tradeNo: 'TC',
      cumulative: Money.parse('30.00'),
      refundedAt: beijing('14:00:00'),
      learntAt: beijing('14:00:02'),
    });
    assert.equal(learnt.outcome, 'recorded');
    files[DAY].body = bill(DAY, [...TRADES, { trade: 'TC', order: 'C', amount: '-30.00', refundNo: 'PORTAL-1' }]);
    await reconciled();
    assert.deepEqual(await kinds(), { 'PORTAL-1': 'refund_matched' });
  });

  it('calls a refund that succeeded that day and is in no 退款 row missing in the bill; one still pending is not', async () => {
    await refunded('R-A2', 'TA', '10.00', beijing('15:00:00'));
    await refunded('R-B2', 'TB', '1.00', null);
    files[DAY].body = bill(DAY, TRADES);
    const { run } = await reconciled();
    assert.equal(run.counts.refund_missing_in_bill, 1);
    const { 'R-A2': item } = await refundItems();
    assert.deepEqual(item, {
      kind: 'refund_missing_in_bill',
      orderId: 'A',
      tradeNo: 'TA',
      localAmountFen: -1000,
      billAmountFen: null,
      detail: '本地于 2026-11-30 15:00:00 退款成功（退款请求号 R-A2），账单中没有这笔退款',
      refundNo: 'R-A2',
      id: item!.id,
      resolution: null,
    });
  });

  it('does not call a refund of the day’s last ten minutes missing until the next day’s bill is read, and then only if it lacks it', async () => {
    await refunded('R-A3', 'TA', '1.00', beijing('23:55:00'));
    await refunded('R-B3', 'TB', '1.00', beijing('23:58:00'));
    files[DAY].body = bill(DAY, TRADES);
    const waiting = await reconciled();
    assert.deepEqual([waiting.run.deferred, waiting.run.counts.refund_missing_in_bill], [2, 0]);
    assert.deepEqual(await kinds(), {});
    nextDayReady = true;
    files[NEXT_DAY].body = bill(NEXT_DAY, [{ trade: 'TA', order: 'A', amount: '-1.00', refundNo: 'R-A3' }]);
    const read = await reconciled();
    assert.equal(read.run.deferred, 0);
    assert.deepEqual(await kinds(), { 'R-B3': 'refund_missing_in_bill' }, 'R-A3 is on the next day’s bill');
  });

  it('keeps what staff did about a refund discrepancy across a re-run (decision 0039)', async () => {
    await refunded('R-A4', 'TA', '5.00', beijing('12:00:00'));
    files[DAY].body = bill(DAY, TRADES);
    await reconciled();
    const resolve = new ResolveDiscrepancy(reconciliations, { now: () => now });
    const command = {
      date: DAY,
      kind: 'refund_missing_in_bill',
      orderId: 'A',
      tradeNo: 'TA',
      actor: 'admin',
      remoteAddress: '203.0.113.9',
    };
    await resolve.execute({ ...command, note: '支付宝客服确认退款已到账，账单漏列' });
    await reconciled();
    const { 'R-A4': item } = await refundItems();
    assert.equal(item?.kind, 'refund_missing_in_bill');
    assert.equal(item?.resolution?.note, '支付宝客服确认退款已到账，账单漏列');
    assert.equal((await reconciliations.waiting()).count, 0);
  });
});
