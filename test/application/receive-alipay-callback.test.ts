import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { beforeEach, describe, it } from 'node:test';
import { InvalidSignature, MalformedCallback } from '../../src/application/errors.ts';
import { ReceiveAlipayCallback } from '../../src/application/receive-alipay-callback.ts';
import { OrderNotFound, PaymentNeedsReview } from '../../src/domain/errors.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryRejectionLog } from '../../src/infrastructure/in-memory/in-memory-rejection-log.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { APP_ID, createTestAlipay, notifyParams, returnParams, SELLER_ID } from '../support/alipay-signer.ts';
import { fixedClock } from '../support/clock.ts';
import { confirmAlipayPayment, settleRefundNotify } from '../support/confirm-payment.ts';
import { anUnpaidOrder, T0 } from '../support/persistence-harness.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

describe('ReceiveAlipayCallback', () => {
  let store: InMemoryStore;
  let rejections: InMemoryRejectionLog;
  let receive: ReceiveAlipayCallback;
  let events: InMemoryPaymentEventLog;
  const recorded = async () => (await rejections.page({}, { limit: 50 })).rows;

  beforeEach(() => {
    store = new InMemoryStore();
    events = new InMemoryPaymentEventLog();
    rejections = new InMemoryRejectionLog({ maxRows: 100, maxAgeDays: 30 }, fixedClock());
    const settings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT } as const;
    const payments = new InMemoryPaymentRepository(store);
    const confirm = confirmAlipayPayment({ alipayPublicKeyPem: alipay.publicKeyPem, payments, settings, clock: { now: () => T0 } });
    receive = new ReceiveAlipayCallback(
      new FormCallbackParser(),
      confirm,
      rejections,
      fixedClock(),
      events,
      settleRefundNotify(store, fixedClock()),
    );
  });

  it('confirms an authentic return and records no rejection', async () => {
    const order = anUnpaidOrder();
    await new InMemoryOrderRepository(store).add(order);
    const result = await receive.execute({
      raw: bytes(alipay.signedQuery(returnParams(order.id, '3798.00'))),
      source: 'return',
      remoteAddress: '::1',
    });
    assert.equal(result.outcome, 'recorded');
    assert.deepEqual(await recorded(), []);
  });

  it("keeps every accepted notify in the order's events, and no refresh of a return", async () => {
    const order = anUnpaidOrder();
    await new InMemoryOrderRepository(store).add(order);
    const returned = bytes(alipay.signedQuery(returnParams(order.id, '3798.00')));
    await receive.execute({ raw: returned, source: 'return', remoteAddress: '::1' });
    await receive.execute({ raw: returned, source: 'return', remoteAddress: '::1' });
    const notify = bytes(alipay.signedQuery(notifyParams(order.id, '3798.00', 'TRADE_SUCCESS')));
    await receive.execute({ raw: notify, source: 'notify', remoteAddress: '::1' });
    const refund = bytes(alipay.signedQuery({ ...notifyParams(order.id, '3798.00', 'TRADE_SUCCESS'), refund_fee: '1.00' }));
    await receive.execute({ raw: refund, source: 'notify', remoteAddress: '::1' });
    assert.deepEqual(
      (await events.listFor(order.id, 10)).map((event) => [event.kind, event.summary.replace(/ trade_no=\S+/, '')]),
      [
        ['notify', 'trade_status=TRADE_SUCCESS total_amount=3798.00: already recorded'],
        ['notify', 'trade_status=TRADE_SUCCESS refund_fee=1.00 total_amount=3798.00: refund made outside the service recorded'],
      ],
    );
  });

  it('records a forged return with its reason, address and ids, keeping no signature', async () => {
    const query = stranger.signedQuery({ ...returnParams('20261126000000000000042', '3798.00', 'T42'), body: 'x'.repeat(500) });
    await assert.rejects(receive.execute({ raw: bytes(query), source: 'return', remoteAddress: '203.0.113.9' }), InvalidSignature);
    const [row] = await recorded();
    assert.equal(row?.reason, 'INVALID_SIGNATURE');
    assert.equal(row?.channel, 'return');
    assert.equal(row?.remoteAddress, '203.0.113.9');
    assert.equal(row?.outTradeNo, '20261126000000000000042');
    assert.equal(row?.tradeNo, 'T42');
    const params = JSON.parse(row!.params);
    assert.equal(params.sign, undefined);
    assert.equal(params.sign_type, 'RSA2');
    assert.equal(params.body, `${'x'.repeat(128)}…`);
  });

  it('records a message it could not even parse, with the sign cut out of the raw text', async () => {
    const query = `${alipay.signedQuery(returnParams('1', '1.00'))}&out_trade_no=2`;
    await assert.rejects(receive.execute({ raw: bytes(query), source: 'notify', remoteAddress: '198.51.100.1' }), MalformedCallback);
    const [row] = await recorded();
    assert.equal(row?.reason, 'MALFORMED_CALLBACK');
    assert.equal(row?.outTradeNo, null);
    assert.match(row!.params, /(^|&)sign=…(&|$)/);
    assert.ok(!row!.params.includes(new URLSearchParams(query).getAll('sign')[0]!.slice(0, 20)));
  });

  it('records an authentic return for an unknown order', async () => {
    await assert.rejects(
      receive.execute({
        raw: bytes(alipay.signedQuery(returnParams('20991231000000000000001', '1.00'))),
        source: 'return',
        remoteAddress: '::1',
      }),
      OrderNotFound,
    );
    assert.equal((await recorded())[0]?.reason, 'ORDER_NOT_FOUND');
  });

  it('does not count a payment kept for review as a rejection', async () => {
    const order = anUnpaidOrder('3798.00');
    await new InMemoryOrderRepository(store).add(order);
    await assert.rejects(
      receive.execute({ raw: bytes(alipay.signedQuery(returnParams(order.id, '1.00'))), source: 'return', remoteAddress: '::1' }),
      PaymentNeedsReview,
    );
    assert.deepEqual(await recorded(), []);
  });

  it("keeps a notify whose payment is kept for review in the order's events", async () => {
    const order = anUnpaidOrder('3798.00');
    await new InMemoryOrderRepository(store).add(order);
    const notify = bytes(alipay.signedQuery(notifyParams(order.id, '1.00', 'TRADE_SUCCESS')));
    await assert.rejects(receive.execute({ raw: notify, source: 'notify', remoteAddress: '::1' }), PaymentNeedsReview);
    const [event] = await events.listFor(order.id, 10);
    assert.equal(event?.kind, 'notify');
    assert.match(event!.summary, /total_amount=1\.00: kept for review: .*AMOUNT_MISMATCH/);
  });
});
