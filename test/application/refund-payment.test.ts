import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CheckRefundAsOperator } from '../../src/application/check-refund-as-operator.ts';
import { RefundNotifyEarly } from '../../src/application/errors.ts';
import { RefundAtAlipay } from '../../src/application/refund-at-alipay.ts';
import { RefundPayment } from '../../src/application/refund-payment.ts';
import { SettlePendingRefunds } from '../../src/application/settle-pending-refunds.ts';
import { SettleRefundNotify } from '../../src/application/settle-refund-notify.ts';
import { AwaitedPayment } from '../../src/domain/awaited-payment.ts';
import { OrderNotFound } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { RefundNotAllowed } from '../../src/domain/refund.ts';
import { AlipayRefundGateway } from '../../src/infrastructure/alipay/alipay-refund-gateway.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentLedger } from '../../src/infrastructure/in-memory/in-memory-payment-ledger.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryPaymentReviews } from '../../src/infrastructure/in-memory/in-memory-payment-reviews.ts';
import { InMemoryRefundStore } from '../../src/infrastructure/in-memory/in-memory-refund-store.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { APP_ID, createTestAlipay, notifyParams } from '../support/alipay-signer.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { type FixedClock, fixedClock } from '../support/clock.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { FakeAlipayRefunds } from '../support/fake-alipay-refunds.ts';
import { anUnpaidOrder } from '../support/persistence-harness.ts';

const alipay = createTestAlipay();
// Room for a loaded machine to answer a local call; the hanging gateway below waits it out three times.
const TIMEOUT_MS = 1_500;
const TRADE_NO = '2026112622001400001';
const operator = { actor: 'li.wei', remoteAddress: '203.0.113.9' };

describe('RefundPayment through alipay.trade.refund, against a fake Alipay that keeps a refund book', () => {
  let gateway: FakeAlipayGateway;
  let book: FakeAlipayRefunds;
  let store: InMemoryStore;
  let clock: FixedClock;
  let refunds: InMemoryRefundStore;
  let refundPayment: RefundPayment;
  let settle: SettlePendingRefunds;
  let notify: SettleRefundNotify;
  let checkNow: CheckRefundAsOperator;
  let orderId: string;

  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
  });
  after(() => gateway.close());

  beforeEach(async () => {
    gateway.calls.length = 0;
    book = new FakeAlipayRefunds(gateway);
    store = new InMemoryStore();
    clock = fixedClock();
    refunds = new InMemoryRefundStore(store);
    const verifier = new NativeSignatureVerifier(parseAlipayPublicKey(alipay.publicKeyPem), 'RSA2');
    const refundGateway = new AlipayRefundGateway(
      nativeRequestSigner(appPrivateKey),
      { appId: APP_ID, gatewayUrl: gateway.url, timeoutMs: TIMEOUT_MS },
      clock,
    );
    const atAlipay = new RefundAtAlipay(refundGateway, refunds, verifier, clock);
    const orders = new InMemoryOrderRepository(store);
    refundPayment = new RefundPayment(orders, new InMemoryPaymentLedger(store, clock), refunds, atAlipay, clock);
    settle = new SettlePendingRefunds(refunds, atAlipay, clock);
    notify = new SettleRefundNotify(refunds, clock);
    checkNow = new CheckRefundAsOperator(refunds, atAlipay, new InMemoryAdminAudit(store), clock);
    orderId = await paidOrder('88.80', TRADE_NO);
  });

  async function paidOrder(amount: string, tradeNo: string, after = OrderStatus.UNCOMMENT): Promise<string> {
    const order = anUnpaidOrder(amount);
    await new InMemoryOrderRepository(store).add(order);
    const receipt = { tradeNo, amount: Money.parse(amount), source: 'notify' as const, receivedAt: clock.now() };
    await new InMemoryPaymentRepository(store).recordIfAwaited(AwaitedPayment.of(order.id, receipt, after));
    book.trade(tradeNo, order.id, amount);
    return order.id;
  }
  const orderStatus = (id = orderId) => store.orders.get(id)?.status;
  const refundCalls = () => book.calls('alipay.trade.refund');
  const reason = '缺货，退还货款';

  it('refunds a payment in full: one signed request naming our out_request_no, and the order is cancelled', async () => {
    const refunded = await refundPayment.execute({ orderId, reason, ...operator });
    assert.equal(refunded.status, 'refunded');
    assert.match(refunded.outRequestNo, /^RF20261126153000[0-9a-f]{20}$/);
    assert.deepEqual(
      [refunded.amount.toString(), refunded.refundedTotal.toString(), refunded.remaining.toString()],
      ['88.80', '88.80', '0.00'],
    );
    const [call] = gateway.calls;
    assert.equal(call?.signedByApp, true);
    assert.deepEqual(refundCalls(), [
      { out_trade_no: orderId, trade_no: TRADE_NO, refund_amount: '88.80', out_request_no: refunded.outRequestNo, refund_reason: reason },
    ]);
    assert.equal(orderStatus(), OrderStatus.CANCELED);
    assert.equal(book.refundedFen(TRADE_NO), 8880);
    const stored = await refunds.find(refunded.outRequestNo);
    assert.deepEqual([stored?.requestedBy, stored?.refundedAt?.toISOString()], ['li.wei', '2026-11-26T07:31:00.000Z']);
    assert.deepEqual(
      store.adminActions.map((a) => [a.action, a.actor, a.target]),
      [['refund', 'li.wei', TRADE_NO]],
    );
  });

  it('refunds part of a payment and leaves the order as it is', async () => {
    const refunded = await refundPayment.execute({ orderId, amount: Money.parse('8.80'), reason, ...operator });
    assert.deepEqual([refunded.status, refunded.remaining.toString()], ['refunded', '80.00']);
    assert.equal(orderStatus(), OrderStatus.UNCOMMENT);
    const rest = await refundPayment.execute({ orderId, reason, ...operator });
    assert.deepEqual([rest.amount.toString(), rest.refundedTotal.toString()], ['80.00', '88.80']);
    assert.equal(orderStatus(), OrderStatus.CANCELED, 'the refunds together are the whole payment');
  });

  it('keeps a refund whose answer was lost pending, with the same out_request_no on every retry, and the schedule settles it once', async () => {
    book.next('lose_answer', 'http_502', 'system_error');
    const pending = await refundPayment.execute({ orderId, reason, ...operator });
    assert.equal(pending.status, 'pending');
    assert.equal(book.refundedFen(TRADE_NO), 8880, 'Alipay did refund it');
    assert.deepEqual(new Set(refundCalls().map((c) => c.out_request_no)), new Set([pending.outRequestNo]));
    assert.equal(refundCalls().length, 3);
    assert.equal(orderStatus(), OrderStatus.UNCOMMENT, 'nothing is cancelled on a refund not known to be done');
    assert.deepEqual(await settle.execute(10), [], 'not asked before 15 s: Alipay advises at least 10');
    clock.advance(15_000);
    const [settled] = await settle.execute(10);
    assert.equal(settled?.refund.status, 'refunded');
    assert.equal(book.calls('alipay.trade.fastpay.refund.query').length, 1);
    assert.equal(refundCalls().length, 3, 'the query settled it: no new refund call');
    assert.equal(orderStatus(), OrderStatus.CANCELED);
    assert.equal(
      (await refunds.find(pending.outRequestNo))?.refundedAt?.toISOString(),
      '2026-11-26T07:31:00.250Z',
      'gmt_refund_pay with ms',
    );
    clock.advance(60_000);
    assert.deepEqual(await settle.execute(10), [], 'settled refunds are asked about no more');
    assert.equal(book.carriedOut.size, 1);
  });

  it('gives up on a gateway that hangs after carrying out only after its timeout, three times, and settles later', async () => {
    book.next('hang_after', 'hang_after', 'hang_after');
    const pending = await refundPayment.execute({ orderId, reason, ...operator });
    assert.equal(pending.status, 'pending');
    assert.match(pending.note, /did not complete within 1500ms/);
    clock.advance(15_000);
    await settle.execute(10);
    assert.equal((await refunds.find(pending.outRequestNo))?.status, 'refunded');
    assert.equal(book.carriedOut.size, 1);
  });

  it('retries ACQ.SYSTEM_ERROR and HTTP errors with the same out_request_no, and settles on the answer that comes', async () => {
    book.next('system_error', 'http_502');
    const refunded = await refundPayment.execute({ orderId, reason, ...operator });
    assert.equal(refunded.status, 'refunded');
    assert.equal(refundCalls().length, 3);
    assert.equal(new Set(refundCalls().map((c) => c.out_request_no)).size, 1);
  });

  it('asks the refund query about a repeat Alipay took without moving money (fund_change N)', async () => {
    book.next('lose_answer');
    const pending = await refundPayment.execute({ orderId, reason, ...operator });
    // The second call was a repeat: Alipay answered 10000 with fund_change N.
    assert.equal(pending.status, 'pending');
    assert.match(pending.note, /without saying the money moved/);
    clock.advance(15_000);
    await settle.execute(10);
    assert.equal((await refunds.find(pending.outRequestNo))?.status, 'refunded');
    assert.equal(book.carriedOut.size, 1);
  });

  it('asks again under the same out_request_no when the refund query says Alipay has no such refund', async () => {
    book.next('http_502', 'http_502', 'http_502');
    const pending = await refundPayment.execute({ orderId, reason, ...operator });
    assert.equal(book.carriedOut.size, 0, 'the request never reached Alipay');
    clock.advance(15_000);
    const [settled] = await settle.execute(10);
    assert.equal(settled?.refund.status, 'refunded');
    assert.deepEqual(
      refundCalls().map((c) => c.out_request_no),
      Array(4).fill(pending.outRequestNo),
    );
    assert.equal(book.carriedOut.size, 1);
  });

  it('believes no refund query that names another amount than ours', async () => {
    book.next('lose_answer', 'lose_answer', 'lose_answer', 'other_amount');
    const pending = await refundPayment.execute({ orderId, reason, ...operator });
    clock.advance(15_000);
    const [asked] = await settle.execute(10);
    assert.equal(asked?.refund.status, 'pending');
    assert.match(asked!.note, /names refund_amount 88\.81, not 88\.80/);
    clock.advance(45_000);
    await settle.execute(10);
    assert.equal((await refunds.find(pending.outRequestNo))?.status, 'refunded');
  });

  it('lets an operator settle a pending refund now, not sooner than 10 s after it was asked for', async () => {
    book.next('lose_answer', 'lose_answer', 'lose_answer');
    const { outRequestNo } = await refundPayment.execute({ orderId, reason, ...operator });
    clock.advance(9_999);
    assert.deepEqual(await checkNow.execute(outRequestNo, operator), {
      refund: await refunds.find(outRequestNo),
      asked: false,
      note: 'asked for less than 10 s ago',
    });
    assert.equal(book.calls('alipay.trade.fastpay.refund.query').length, 0);
    clock.advance(1);
    const checked = await checkNow.execute(outRequestNo, operator);
    assert.deepEqual([checked?.asked, checked?.refund.status], [true, 'refunded']);
    assert.deepEqual(
      store.adminActions.filter((a) => a.action === 'check_refund').map((a) => [a.actor, a.target]),
      [['li.wei', outRequestNo]],
    );
    assert.equal((await checkNow.execute(outRequestNo, operator))?.asked, false, 'a settled refund is not asked about');
    assert.equal(await checkNow.execute('RF-NONE', operator), null);
    assert.equal(book.carriedOut.size, 1);
  });

  it('records a refusal with Alipay’s sub_code, frees its amount, and asks no more', async () => {
    book.trade(TRADE_NO, orderId, '0.01'); // Alipay knows less was paid than we think: it refuses the amount.
    const refused = await refundPayment.execute({ orderId, reason, ...operator });
    assert.equal(refused.status, 'refused');
    assert.deepEqual(refused.refusal, { subCode: 'ACQ.REASON_TRADE_REFUND_FEE_ERR', message: '退款金额超限' });
    assert.equal(refused.remaining.toString(), '88.80', 'a refused refund holds nothing back');
    assert.equal(refundCalls().length, 1, 'a refusal is final: no retry');
    clock.advance(15_000);
    assert.deepEqual(await settle.execute(10), []);
    assert.equal(orderStatus(), OrderStatus.UNCOMMENT);
  });

  it('believes a refusal that follows an unheard call only once the refund query finds no such refund', async () => {
    book.next('lose_answer', 'refuse');
    const done = await refundPayment.execute({ orderId, amount: Money.parse('10.00'), reason, ...operator });
    assert.equal(done.status, 'refunded', 'Alipay had done it: the refusal was of a repeat');
    book.next('http_502', 'refuse');
    const refused = await refundPayment.execute({ orderId, amount: Money.parse('10.00'), reason, ...operator });
    assert.equal(refused.status, 'refused', 'the query found none: the refusal stands');
    assert.equal(book.calls('alipay.trade.fastpay.refund.query').length, 2);
    assert.equal(book.carriedOut.size, 1);
  });

  it('trusts no unsigned or forged answer: the refund stays pending until a signed one settles it', async () => {
    book.next('unsigned', 'unsigned', 'unsigned');
    const pending = await refundPayment.execute({ orderId, reason, ...operator });
    assert.equal(pending.status, 'pending');
    assert.match(pending.note, /unsigned answer: 10000/);
    clock.advance(15_000);
    await settle.execute(10);
    assert.equal((await refunds.find(pending.outRequestNo))?.status, 'refunded');
  });

  it('is settled by a refund notify that arrives before the answer, once, and never records a payment', async () => {
    book.next('lose_answer', 'lose_answer', 'lose_answer');
    const pending = await refundPayment.execute({ orderId, reason, ...operator });
    const params = {
      ...notifyParams(orderId, '88.80', 'TRADE_CLOSED', TRADE_NO),
      refund_fee: '88.80',
      gmt_refund: '2026-11-26 15:30:30.143',
      out_biz_no: pending.outRequestNo,
    };
    const message = new FormCallbackParser().parse(new TextEncoder().encode(alipay.signedQuery(params)));
    assert.equal(await notify.execute(message), 'settled');
    assert.equal(await notify.execute(message), 'already_settled', 'Alipay repeats notifies');
    const settled = await refunds.find(pending.outRequestNo);
    assert.deepEqual([settled?.status, settled?.refundedAt?.toISOString()], ['refunded', '2026-11-26T07:30:30.143Z']);
    assert.equal(orderStatus(), OrderStatus.CANCELED);
    clock.advance(15_000);
    assert.deepEqual(await settle.execute(10), [], 'nothing left to ask');
    assert.equal(store.payments.size, 1);
  });

  it('keeps a refund made in Alipay’s portal, learnt from its notify, as external', async () => {
    const params = {
      ...notifyParams(orderId, '88.80', 'TRADE_SUCCESS', TRADE_NO),
      refund_fee: '8.80',
      gmt_refund: '2026-11-26 15:30:30',
      out_biz_no: 'HZ0001',
    };
    const message = new FormCallbackParser().parse(new TextEncoder().encode(alipay.signedQuery(params)));
    assert.equal(await notify.execute(message), 'external');
    const [external] = await refunds.forTrade(TRADE_NO);
    assert.deepEqual([external?.origin, external?.amount.toString(), external?.status], ['external', '8.80', 'refunded']);
    const { remaining } = await refundPayment.remaining(orderId);
    assert.equal(remaining.toString(), '80.00');
    assert.equal(orderStatus(), OrderStatus.UNCOMMENT);
  });

  it('leaves a portal refund’s notify for Alipay to send again while a refund of ours is pending, then counts only what it adds', async () => {
    book.next('lose_answer', 'lose_answer', 'lose_answer');
    const ours = await refundPayment.execute({ orderId, amount: Money.parse('30.00'), reason, ...operator });
    // Alipay did ours (30.00), then someone refunded 8.80 in the portal: the notify says 38.80 in all.
    const params = {
      ...notifyParams(orderId, '88.80', 'TRADE_SUCCESS', TRADE_NO),
      refund_fee: '38.80',
      gmt_refund: '2026-11-26 15:30:40',
      out_biz_no: 'HZ0002',
    };
    const message = new FormCallbackParser().parse(new TextEncoder().encode(alipay.signedQuery(params)));
    await assert.rejects(notify.execute(message), RefundNotifyEarly);
    clock.advance(15_000);
    await settle.execute(10);
    assert.equal(await notify.execute(message), 'external', 'sent again once ours is settled');
    assert.deepEqual(
      (await refunds.forTrade(TRADE_NO)).map((r) => [r.origin, r.amount.toString(), r.status]),
      [
        ['ours', '30.00', 'refunded'],
        ['external', '8.80', 'refunded'],
      ],
    );
    assert.equal(ours.status, 'pending');
    assert.equal(orderStatus(), OrderStatus.UNCOMMENT);
  });

  it('refunds once for a request sent twice, and refuses another while one is pending', async () => {
    const outRequestNo = refundPayment.newRequestNo();
    const command = { orderId, amount: Money.parse('10.00'), reason, outRequestNo, ...operator };
    const [first, second] = await Promise.all([refundPayment.execute(command), refundPayment.execute(command)]);
    assert.deepEqual([first.outRequestNo, second.outRequestNo], [outRequestNo, outRequestNo]);
    assert.equal(book.carriedOut.size, 1);
    assert.equal((await refundPayment.execute(command)).status, 'refunded', 'a third time: what became of it');
    assert.equal(refundCalls().length, 1);
    book.next('lose_answer', 'lose_answer', 'lose_answer');
    await refundPayment.execute({ orderId, amount: Money.parse('10.00'), reason, ...operator });
    await assert.rejects(
      refundPayment.execute({ orderId, amount: Money.parse('10.00'), reason, ...operator }),
      (error) => error instanceof RefundNotAllowed && error.why === 'REFUND_PENDING',
    );
    await assert.rejects(
      refundPayment.execute({ ...command, outRequestNo: 'not an out_request_no' }),
      (error) => error instanceof RefundNotAllowed && error.why === 'INVALID_REQUEST_NO',
    );
    assert.equal(book.carriedOut.size, 2);
  });

  it('reads what a refund notify lacks as nothing new, and names a portal refund without out_biz_no by its notify_id', async () => {
    const notified = (extra: Record<string, string>) =>
      notify.execute(
        new FormCallbackParser().parse(
          new TextEncoder().encode(alipay.signedQuery({ ...notifyParams(orderId, '88.80', 'TRADE_SUCCESS', TRADE_NO), ...extra })),
        ),
      );
    assert.equal(await notified({ refund_fee: 'abc', gmt_refund: '2026-11-26 15:30:40' }), 'nothing_new');
    assert.equal(await notified({ refund_fee: '0.00', gmt_refund: '2026-11-26 15:30:40' }), 'nothing_new');
    assert.equal(await notified({ refund_fee: '5.00', gmt_refund: 'yesterday' }), 'external');
    const [external] = await refunds.forTrade(TRADE_NO);
    assert.match(external!.outRequestNo, /^EXT2026112600222153012068450/);
    assert.deepEqual(external!.refundedAt, clock.now(), 'when we learnt of it, Alipay’s time being unreadable');
    assert.equal(await notified({ refund_fee: '5.00', gmt_refund: '2026-11-26 15:30:40', out_biz_no: 'HZ9' }), 'nothing_new');
  });

  it('resolves the review of a payment kept for review when its refund is done', async () => {
    const kept = await paidOrder('20.00', '2026112622001400002');
    // The same trade recorded again for another order would be a conflict; a cancelled order's payment is kept for review.
    const secondOrder = anUnpaidOrder('20.00');
    await new InMemoryOrderRepository(store).add(secondOrder);
    store.orders.set(secondOrder.id, { ...store.orders.get(secondOrder.id)!, status: OrderStatus.CANCELED });
    store.payments.set('2026112622001400003', {
      orderId: secondOrder.id,
      tradeNo: '2026112622001400003',
      amount: Money.parse('20.00'),
      source: 'notify',
      receivedAt: clock.now(),
      reviewReason: 'ORDER_CANCELED',
    });
    book.trade('2026112622001400003', secondOrder.id, '20.00');
    const reviews = new InMemoryPaymentReviews(store);
    const refunded = await refundPayment.execute({ orderId: secondOrder.id, reason: '订单已取消，退还货款', ...operator });
    assert.equal(refunded.status, 'refunded');
    assert.equal((await reviews.stateOf('2026112622001400003')).state, 'resolved');
    assert.match(store.resolutions.get('2026112622001400003')!.note, /^退款 20\.00 元（退款请求号 RF\S+）：订单已取消，退还货款$/);
    assert.equal(orderStatus(secondOrder.id), OrderStatus.CANCELED);
    assert.equal(orderStatus(kept), OrderStatus.UNCOMMENT);
  });

  it('refuses bad requests before storing anything or asking Alipay', async () => {
    const refusedWith = async (command: Parameters<RefundPayment['execute']>[0], why: string) => {
      await assert.rejects(refundPayment.execute(command), (error) => error instanceof RefundNotAllowed && error.why === why);
    };
    await refusedWith({ orderId, reason: '  ', ...operator }, 'INVALID_REFUND_REASON');
    await refusedWith({ orderId, reason: 'x'.repeat(257), ...operator }, 'INVALID_REFUND_REASON');
    await refusedWith({ orderId, amount: Money.parse('88.81'), reason, ...operator }, 'EXCEEDS_REMAINING');
    await refusedWith({ orderId, amount: Money.parse('0'), reason, ...operator }, 'INVALID_REFUND_AMOUNT');
    await refusedWith({ orderId, tradeNo: 'T-NOT-HERE', reason, ...operator }, 'NO_SUCH_PAYMENT');
    const unpaid = anUnpaidOrder('5.00');
    await new InMemoryOrderRepository(store).add(unpaid);
    await refusedWith({ orderId: unpaid.id, reason, ...operator }, 'NO_SUCH_PAYMENT');
    await assert.rejects(refundPayment.execute({ orderId: '20261126000000000000404', reason, ...operator }), OrderNotFound);
    await refundPayment.execute({ orderId, reason, ...operator });
    await refusedWith({ orderId, reason, ...operator }, 'NOTHING_REFUNDABLE');
    assert.equal(refundCalls().length, 1);
    assert.equal(store.refunds.size, 1);
  });

  it('asks which payment when an order has several, and refunds the one named', async () => {
    store.payments.set('2026112622001400009', {
      orderId,
      tradeNo: '2026112622001400009',
      amount: Money.parse('88.80'),
      source: 'query',
      receivedAt: clock.now(),
      reviewReason: 'ALREADY_PAID',
    });
    book.trade('2026112622001400009', orderId, '88.80');
    await assert.rejects(
      refundPayment.execute({ orderId, reason, ...operator }),
      (error) => error instanceof RefundNotAllowed && error.why === 'SEVERAL_PAYMENTS' && /2026112622001400009/.test(error.message),
    );
    const refunded = await refundPayment.execute({ orderId, tradeNo: '2026112622001400009', reason, ...operator });
    assert.equal(refunded.status, 'refunded');
    assert.equal(orderStatus(), OrderStatus.UNCOMMENT, 'the second payment never paid the order');
    assert.equal(book.refundedFen(TRADE_NO), 0);
  });
});
