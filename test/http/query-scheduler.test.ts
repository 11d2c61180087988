import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { AskAlipayAboutOrder } from '../../src/application/ask-alipay-about-order.ts';
import { ClaimDueQueries } from '../../src/application/claim-due-queries.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';
import { AlipayTradeQuery } from '../../src/infrastructure/alipay/alipay-trade-query.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryQueryQueue } from '../../src/infrastructure/in-memory/in-memory-query-queue.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { Metrics } from '../../src/interfaces/http/middleware/metrics.ts';
import { QueryScheduler } from '../../src/interfaces/scheduler/query-scheduler.ts';
import { APP_ID, createTestAlipay, SELLER_ID } from '../support/alipay-signer.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { elapsedMs, fixedClock, fromTestNow } from '../support/clock.ts';
import { confirmAlipayPayment } from '../support/confirm-payment.ts';
import { FakeAlipayGateway, paidAnswer } from '../support/fake-alipay-gateway.ts';
import { anUnpaidOrder } from '../support/persistence-harness.ts';

const alipay = createTestAlipay();
const ANSWER_MS = 150;
const ORDERS = 40;

describe('QueryScheduler, inside one process', () => {
  let gateway: FakeAlipayGateway;
  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
  });
  after(() => gateway.close());

  it('asks up to 8 at once through a backlog, each due order once, and finishes what it asked when stopped', async () => {
    const store = new InMemoryStore();
    const clock = fixedClock();
    const settings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT } as const;
    const confirm = confirmAlipayPayment({
      alipayPublicKeyPem: alipay.publicKeyPem,
      payments: new InMemoryPaymentRepository(store),
      settings,
      clock,
    });
    const query = new AlipayTradeQuery(
      nativeRequestSigner(appPrivateKey),
      { appId: APP_ID, gatewayUrl: gateway.url, timeoutMs: 5_000 },
      clock,
    );
    const queue = new InMemoryQueryQueue(store);
    const schedule = new QuerySchedule([1, 3_600_000]);
    const orders = new InMemoryOrderRepository(store);
    for (let i = 0; i < ORDERS; i++) {
      const order = anUnpaidOrder('88.80');
      await orders.add(order);
      await queue.restart(order.id, fromTestNow(-1_000), schedule);
    }
    let open = 0;
    let mostOpen = 0;
    gateway.answer = (call) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      setTimeout(() => open--, ANSWER_MS);
      return { body: gateway.signedQueryAnswer(paidAnswer(call.outTradeNo, '88.80', `T-${call.outTradeNo}`)), delayMs: ANSWER_MS };
    };
    const scheduler = new QueryScheduler({
      claim: new ClaimDueQueries(queue, schedule, clock),
      ask: new AskAlipayAboutOrder(query, confirm, queue, new InMemoryPaymentEventLog(), clock),
      metrics: new Metrics(),
      logger: pino({ level: 'silent' }),
      firstOffsetMs: 60_000,
    });
    scheduler.start();
    const deadline = elapsedMs() + 20_000;
    while (gateway.calls.length < ORDERS / 2 && elapsedMs() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await scheduler.stop();
    const askedWhenStopped = gateway.calls.length;
    // Everything asked was answered and applied before stop() returned.
    assert.equal(store.payments.size, askedWhenStopped);
    assert.equal(mostOpen, 8, 'eight in flight at most, and eight reached');
    scheduler.start();
    while (store.payments.size < ORDERS && elapsedMs() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await scheduler.stop();
    assert.equal(store.payments.size, ORDERS);
    assert.equal(new Set(gateway.calls.map((call) => call.outTradeNo)).size, ORDERS, 'each order asked once');
    assert.equal(gateway.calls.length, ORDERS);
  });
});
