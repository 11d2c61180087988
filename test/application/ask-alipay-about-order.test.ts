import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AskAlipayAboutOrder } from '../../src/application/ask-alipay-about-order.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';
import { AlipayTradeQuery } from '../../src/infrastructure/alipay/alipay-trade-query.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryQueryQueue } from '../../src/infrastructure/in-memory/in-memory-query-queue.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { APP_ID, createTestAlipay, SELLER_ID } from '../support/alipay-signer.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { elapsedMs } from '../support/clock.ts';
import { confirmAlipayPayment } from '../support/confirm-payment.ts';
import { FakeAlipayGateway, notExistAnswer, paidAnswer } from '../support/fake-alipay-gateway.ts';
import { anUnpaidOrder, T0 } from '../support/persistence-harness.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();
// Room for a loaded CI machine to answer a local call; only the hanging gateway below waits it out.
const TIMEOUT_MS = 1_500;
const SCHEDULE = new QuerySchedule([60_000, 300_000]);

describe('AskAlipayAboutOrder through alipay.trade.query, against a local fake gateway', () => {
  let gateway: FakeAlipayGateway;
  let store: InMemoryStore;
  let queue: InMemoryQueryQueue;
  let events: InMemoryPaymentEventLog;
  let ask: AskAlipayAboutOrder;
  let orderId: string;

  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
  });
  after(() => gateway.close());

  beforeEach(async () => {
    store = new InMemoryStore();
    queue = new InMemoryQueryQueue(store);
    events = new InMemoryPaymentEventLog();
    const clock = { now: () => T0 };
    const settings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT } as const;
    const confirm = confirmAlipayPayment({
      alipayPublicKeyPem: alipay.publicKeyPem,
      payments: new InMemoryPaymentRepository(store),
      settings,
      clock,
    });
    const query = new AlipayTradeQuery(
      nativeRequestSigner(appPrivateKey),
      { appId: APP_ID, gatewayUrl: gateway.url, timeoutMs: TIMEOUT_MS },
      clock,
    );
    ask = new AskAlipayAboutOrder(query, confirm, queue, events, clock);
    const order = anUnpaidOrder('88.80');
    orderId = order.id;
    await new InMemoryOrderRepository(store).add(order);
    await queue.restart(orderId, T0, SCHEDULE);
    gateway.calls.length = 0;
  });

  const payment = () => [...store.payments.values()].find((p) => p.orderId === orderId);
  const stillAsked = () => store.queries.get(orderId)?.dueAt !== null;
  const orderStatus = () => store.orders.get(orderId)?.status;

  it('sends alipay.trade.query for the order, signed with our app key by the request rule', async () => {
    gateway.answer = () => ({ body: gateway.signedQueryAnswer(notExistAnswer(orderId)) });
    await ask.execute(orderId);
    const [call] = gateway.calls;
    assert.equal(call?.signedByApp, true);
    assert.equal(call?.params.method, 'alipay.trade.query');
    assert.equal(call?.params.app_id, APP_ID);
    assert.equal(call?.params.sign_type, 'RSA2');
    assert.equal(call?.outTradeNo, orderId);
  });

  it('records a signed TRADE_SUCCESS through the same use case, with source query, and asks no more', async () => {
    gateway.answer = () => ({ body: gateway.signedQueryAnswer(paidAnswer(orderId, '88.80', 'T-QUERY-1')) });
    const queried = await ask.execute(orderId);
    assert.equal(queried.outcome, 'paid');
    assert.deepEqual(queried.payment, { tradeNo: 'T-QUERY-1', result: 'recorded' });
    assert.equal(payment()?.source, 'query');
    assert.equal(payment()?.amount?.toString(), '88.80');
    assert.equal(orderStatus(), OrderStatus.UNCOMMENT);
    assert.equal(stillAsked(), false);
    assert.equal(queried.answer.get('trade_status'), 'TRADE_SUCCESS');
    const [event] = await events.listFor(orderId, 10);
    assert.equal(event?.kind, 'query');
    assert.match(event!.summary, /TRADE_SUCCESS.*payment recorded/);
  });

  it('reads TRADE_FINISHED as paid too, and a second answer as a duplicate', async () => {
    gateway.answer = () => ({ body: gateway.signedQueryAnswer(paidAnswer(orderId, '88.80', 'T-QUERY-2', 'TRADE_FINISHED')) });
    assert.equal((await ask.execute(orderId)).payment?.result, 'recorded');
    assert.equal((await ask.execute(orderId)).payment?.result, 'duplicate');
    assert.equal(store.payments.size, 1);
  });

  it('takes ACQ.TRADE_NOT_EXIST as "not started", asks again, and records the payment the next answer reports', async () => {
    let paid = false;
    gateway.answer = () => ({
      body: gateway.signedQueryAnswer(paid ? paidAnswer(orderId, '88.80', 'T-QUERY-3') : notExistAnswer(orderId)),
    });
    const first = await ask.execute(orderId);
    assert.equal(first.outcome, 'not_started');
    assert.equal(payment(), undefined);
    assert.equal(stillAsked(), true);
    paid = true;
    assert.equal((await ask.execute(orderId)).outcome, 'paid');
    assert.equal(payment()?.tradeNo, 'T-QUERY-3');
  });

  it('keeps asking while Alipay says WAIT_BUYER_PAY, and stops at TRADE_CLOSED without recording', async () => {
    gateway.answer = () => ({
      body: gateway.signedQueryAnswer({ ...paidAnswer(orderId, '88.80', 'T-W'), trade_status: 'WAIT_BUYER_PAY' }),
    });
    assert.equal((await ask.execute(orderId)).outcome, 'waiting');
    assert.equal(stillAsked(), true);
    gateway.answer = () => ({ body: gateway.signedQueryAnswer({ ...paidAnswer(orderId, '88.80', 'T-W'), trade_status: 'TRADE_CLOSED' }) });
    assert.equal((await ask.execute(orderId)).outcome, 'closed');
    assert.equal(stillAsked(), false);
    assert.equal(payment(), undefined);
    assert.equal(orderStatus(), OrderStatus.UNPAID);
  });

  it('keeps a paid answer whose amount differs for review, and asks no more', async () => {
    gateway.answer = () => ({ body: gateway.signedQueryAnswer(paidAnswer(orderId, '0.01', 'T-CHEAP')) });
    const queried = await ask.execute(orderId);
    assert.deepEqual(queried.payment, { tradeNo: 'T-CHEAP', result: 'needs_review' });
    assert.equal(payment()?.reviewReason, 'AMOUNT_MISMATCH');
    assert.equal(orderStatus(), OrderStatus.UNPAID);
    assert.equal(stillAsked(), false);
  });

  const failures: Array<[string, () => { status?: number; body: string; delayMs?: number }, RegExp]> = [
    [
      'an unsigned answer (Alipay refusing our request)',
      () => ({ body: '{"alipay_trade_query_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}}' }),
      /without a signature: 40002 isv.invalid-signature/,
    ],
    [
      'an unsigned TRADE_SUCCESS',
      () => ({ body: `{"alipay_trade_query_response":${JSON.stringify(paidAnswer('X', '88.80', 'T-U'))}}` }),
      /without a signature/,
    ],
    [
      'an answer signed by another key',
      () => ({ body: gateway.signedQueryAnswer(paidAnswer('X', '88.80', 'T-F'), stranger.privateKey) }),
      /invalid signature/,
    ],
    [
      'a signed answer altered on the way',
      () => ({
        body: gateway.signedQueryAnswer(paidAnswer('X', '88.80', 'T-A')).replace('"total_amount":"88.80"', '"total_amount":"0.01"'),
      }),
      /invalid signature/,
    ],
    ['a body that is not JSON', () => ({ body: '<html><body>502 Bad Gateway</body></html>' }), /not JSON/],
    ['an HTTP 502', () => ({ status: 502, body: 'bad gateway' }), /HTTP 502/],
    [
      'a gateway that hangs past ALIPAY_HTTP_TIMEOUT',
      () => ({ body: '{}', delayMs: 20_000 }),
      /alipay.trade.query from 127\.0\.0\.1:\d+ did not complete within 1500ms/,
    ],
    [
      'a signed system error',
      () => ({
        body: gateway.signedQueryAnswer({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.ACQ.SYSTEM_ERROR' }),
      }),
      /Alipay answered/,
    ],
  ];
  for (const [name, answer, why] of failures) {
    it(`records nothing for ${name}, and asks again at the next slot`, async () => {
      gateway.answer = (call) => {
        const made = answer();
        return { ...made, body: made.body.replaceAll('"X"', JSON.stringify(call.outTradeNo)) };
      };
      const started = elapsedMs();
      const queried = await ask.execute(orderId);
      assert.equal(queried.outcome, 'failed');
      assert.match(queried.summary, why);
      assert.equal(payment(), undefined);
      assert.equal(orderStatus(), OrderStatus.UNPAID);
      assert.equal(stillAsked(), true);
      assert.ok(elapsedMs() - started < 10_000, 'bounded by the timeout, not the 20 s hang');
      const [event] = await events.listFor(orderId, 10);
      assert.match(event!.summary, why);
    });
  }

  it('refuses a signed answer about another order', async () => {
    gateway.answer = () => ({ body: gateway.signedQueryAnswer(paidAnswer('20261126999999999999999', '88.80', 'T-OTHER')) });
    const queried = await ask.execute(orderId);
    assert.equal(queried.outcome, 'failed');
    assert.match(queried.summary, /about order 20261126999999999999999/);
    assert.equal(store.payments.size, 0);
  });

  it('fails in one line when the gateway cannot be reached', async () => {
    const closed = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    const gatewayUrl = closed.url;
    await closed.close();
    const unreachable = new AlipayTradeQuery(
      nativeRequestSigner(appPrivateKey),
      { appId: APP_ID, gatewayUrl, timeoutMs: TIMEOUT_MS },
      { now: () => T0 },
    );
    await assert.rejects(unreachable.ask(orderId), /^TradeQueryFailed: cannot reach 127\.0\.0\.1:\d+: \S/);
  });
});
