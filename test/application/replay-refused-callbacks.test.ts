import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { beforeEach, describe, it } from 'node:test';
import { StoreUnavailable } from '../../src/application/errors.ts';
import type { PaymentSettings } from '../../src/application/ports/payment-settings.ts';
import type { RejectionLog, RejectionRecord } from '../../src/application/ports/rejection-log.ts';
import { ReceiveAlipayCallback } from '../../src/application/receive-alipay-callback.ts';
import { ReplayRefusedCallbacks, type ReplayTally } from '../../src/application/replay-refused-callbacks.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryRejectionLog } from '../../src/infrastructure/in-memory/in-memory-rejection-log.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { APP_ID, createTestAlipay, notifyParams, returnParams, SELLER_ID } from '../support/alipay-signer.ts';
import { type FixedClock, fixedClock, fromTestNow } from '../support/clock.ts';
import { confirmAlipayPayment, settleRefundNotify } from '../support/confirm-payment.ts';
import { anUnpaidOrder, T0 } from '../support/persistence-harness.ts';

const alipay = createTestAlipay();
const misconfigured = createTestAlipay(); // the key a shop configured by mistake
const stranger = createTestAlipay(); // a forger's
const parser = new FormCallbackParser();
const settings: PaymentSettings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT };
const REPLAYED_AT = new Date('2026-12-01T02:00:00.000Z');
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

describe('ReplayRefusedCallbacks', () => {
  let store: InMemoryStore;
  let orders: InMemoryOrderRepository;
  let payments: InMemoryPaymentRepository;
  let rejections: InMemoryRejectionLog;
  /** When the live path refuses: a second apart from the suite's instant on, days before the replay. */
  let receivedAt: FixedClock;

  beforeEach(() => {
    receivedAt = fixedClock();
    store = new InMemoryStore();
    orders = new InMemoryOrderRepository(store);
    payments = new InMemoryPaymentRepository(store);
    rejections = new InMemoryRejectionLog({ maxRows: 100, maxAgeDays: 30 }, fixedClock(), store);
  });

  /** The live path, verifying with `alipayPublicKeyPem`: what it refuses lands in the rejection log. */
  async function receive(alipayPublicKeyPem: string, raw: string, source: 'return' | 'notify'): Promise<void> {
    const confirm = confirmAlipayPayment({ alipayPublicKeyPem, payments, settings, clock: { now: () => T0 } });
    receivedAt.advance(1_000);
    const live = new ReceiveAlipayCallback(
      parser,
      confirm,
      rejections,
      receivedAt,
      new InMemoryPaymentEventLog(),
      settleRefundNotify(store, receivedAt),
    );
    await assert.rejects(live.execute({ raw: bytes(raw), source, remoteAddress: '203.0.113.7' }));
  }

  /** The replay under the configuration of now: Alipay's real key, or the one given (named by its PEM). */
  function replayer(log: RejectionLog = rejections, alipayPublicKeyPem = alipay.publicKeyPem, at = REPLAYED_AT): ReplayRefusedCallbacks {
    const confirm = confirmAlipayPayment({ alipayPublicKeyPem, payments, settings, clock: { now: () => T0 } });
    return new ReplayRefusedCallbacks(log, parser, confirm, { now: () => at }, `key:${alipayPublicKeyPem}`);
  }
  const marks = async () => (await rejections.page({}, { limit: 50 })).rows.map((row) => row.replay);

  it('recovers a return refused under a wrong Alipay key once the key is right, and a second replay records nothing', async () => {
    const order = anUnpaidOrder('3798.00');
    await orders.add(order);
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(order.id, '3798.00', 'TRADE1')), 'return');
    assert.equal(store.payments.size, 0);

    assert.deepEqual(await replayer().execute({}), { examined: 1, recovered: 1, stillRefused: 0, left: 0 });
    assert.equal(store.payments.get('TRADE1')?.source, 'return', 'recorded as originally received');
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
    assert.deepEqual(await marks(), [{ at: REPLAYED_AT, outcome: 'recovered', detail: 'recorded' }]);

    const paymentsBefore = [...store.payments];
    assert.deepEqual(await replayer().execute({}), { examined: 0, recovered: 0, stillRefused: 0, left: 0 });
    assert.deepEqual([...store.payments], paymentsBefore);
  });

  it('leaves a return refused under a wrong key refused while the key is still wrong', async () => {
    const order = anUnpaidOrder('3798.00');
    await orders.add(order);
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(order.id, '3798.00')), 'return');
    const stillWrong = replayer(rejections, misconfigured.publicKeyPem);
    assert.deepEqual(await stillWrong.execute({}), { examined: 1, recovered: 0, stillRefused: 1, left: 0 });
    assert.equal(store.payments.size, 0);
  });

  it('keeps a forged return refused, marked with the reason, and examines it once per configuration', async () => {
    const order = anUnpaidOrder('3798.00');
    await orders.add(order);
    const forged = returnParams(order.id, '3798.00');
    await receive(alipay.publicKeyPem, stranger.signedQuery(forged), 'return');
    assert.deepEqual(await replayer().execute({}), { examined: 1, recovered: 0, stillRefused: 1, left: 0 });
    assert.deepEqual(
      await replayer().execute({}),
      { examined: 0, recovered: 0, stillRefused: 0, left: 0 },
      'the same configuration: nothing new',
    );
    const [entry] = await rejections.toReplay({});
    assert.deepEqual(
      await replayer().execute({ id: entry!.id }),
      { examined: 1, recovered: 0, stillRefused: 1, left: 0 },
      'asked for by its id',
    );
    assert.deepEqual(
      await replayer(rejections, misconfigured.publicKeyPem).execute({}),
      { examined: 1, recovered: 0, stillRefused: 1, left: 0 },
      'another key',
    );
    const [mark] = await marks();
    assert.equal(mark?.outcome, 'still_refused');
    assert.match(mark!.detail, /^INVALID_SIGNATURE: invalid signature/);
    assert.ok(mark!.detail.length <= 200);
    assert.equal(store.payments.size, 0);
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNPAID);
  });

  it('recovers a notify refused for an unknown order once the order exists, as a notify', async () => {
    const order = anUnpaidOrder('88.00');
    await receive(alipay.publicKeyPem, alipay.signedQuery(notifyParams(order.id, '88.00', 'TRADE_SUCCESS', 'TRADE2')), 'notify');
    assert.deepEqual(await replayer().execute({}), { examined: 1, recovered: 0, stillRefused: 1, left: 0 });
    assert.match((await marks())[0]!.detail, /^ORDER_NOT_FOUND/);

    await orders.add(order);
    assert.deepEqual(await replayer().execute({}), { examined: 1, recovered: 1, stillRefused: 0, left: 0 });
    assert.equal(store.payments.get('TRADE2')?.source, 'notify');
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
  });

  it('counts a payment recorded for review as recovered', async () => {
    const order = anUnpaidOrder('3798.00');
    await orders.add(order);
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(order.id, '1.00', 'TRADE3')), 'return');
    assert.deepEqual(await replayer().execute({}), { examined: 1, recovered: 1, stillRefused: 0, left: 0 });
    assert.equal(store.payments.get('TRADE3')?.reviewReason, 'AMOUNT_MISMATCH');
    assert.match((await marks())[0]!.detail, /^PAYMENT_NEEDS_REVIEW/);
  });

  it('replays only the one asked for, or those since a time', async () => {
    const [first, second] = [anUnpaidOrder('1.00'), anUnpaidOrder('2.00')];
    await orders.add(first);
    await orders.add(second);
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(first.id, '1.00', 'TRADE4')), 'return');
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(second.id, '2.00', 'TRADE5')), 'return');
    const [, newer] = await rejections.toReplay({});
    assert.deepEqual(await replayer().execute({ since: fromTestNow(60 * 60_000) }), {
      examined: 0,
      recovered: 0,
      stillRefused: 0,
      left: 0,
    });
    assert.deepEqual(await replayer().execute({ id: newer!.id }), { examined: 1, recovered: 1, stillRefused: 0, left: 0 });
    assert.deepEqual([...store.payments.keys()], ['TRADE5']);
  });

  it('examines each callback once when the log answers in small batches of still refused ones', async () => {
    for (let n = 0; n < 5; n++)
      await receive(alipay.publicKeyPem, stranger.signedQuery(returnParams(anUnpaidOrder().id, '1.00')), 'return');
    const asked: RejectionRecord[][] = [];
    const batchesOfTwo: RejectionLog = Object.assign(Object.create(rejections), {
      toReplay: async (filter: { since?: Date; id?: string }) => {
        const batch = (await rejections.toReplay(filter)).slice(0, 2);
        asked.push(batch);
        return batch;
      },
    });
    const progress: ReplayTally[] = [];
    const tally = await replayer(batchesOfTwo).execute({}, (step) => progress.push(step));
    assert.deepEqual(tally, { examined: 5, recovered: 0, stillRefused: 5, left: 0 });
    assert.deepEqual(
      progress.map((step) => step.examined),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual({ ...progress.at(-1), left: 0 }, tally);
    assert.ok(asked.length <= 6, `asked ${asked.length} times`);
  });

  it('examines only what was kept before it began, however much arrives meanwhile', { timeout: 10_000 }, async () => {
    for (let n = 0; n < 3; n++)
      await receive(alipay.publicKeyPem, stranger.signedQuery(returnParams(anUnpaidOrder().id, '1.00')), 'return');
    const [kept] = (await rejections.page({}, { limit: 1 })).rows;
    let flood = 0;
    const tally = await replayer().execute({}, async () => {
      // A forgery arriving during the run, after the replay's own start.
      await rejections.record({ ...kept!, at: new Date(REPLAYED_AT.getTime() + 1_000 * ++flood) });
    });
    assert.deepEqual(tally, { examined: 3, recovered: 0, stillRefused: 3, left: 0 });
    assert.equal(flood, 3);
  });

  it('stops at a store failure, leaving the callback unmarked for the next run', async () => {
    const order = anUnpaidOrder('3798.00');
    await orders.add(order);
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(order.id, '3798.00')), 'return');
    const unavailable = async () => {
      throw new StoreUnavailable();
    };
    payments.recordIfAwaited = unavailable;
    payments.findTrade = unavailable;
    await assert.rejects(replayer().execute({}), StoreUnavailable);
    assert.deepEqual(await marks(), [null]);
  });

  it('stops at its cap saying more is on offer, and the next run goes on where it stopped', async () => {
    for (let n = 0; n < 3; n++)
      await receive(alipay.publicKeyPem, stranger.signedQuery(returnParams(anUnpaidOrder().id, '1.00')), 'return');
    assert.deepEqual(await replayer().execute({}, undefined, 2), { examined: 2, recovered: 0, stillRefused: 2, left: 1 });
    assert.deepEqual(await replayer().execute({}, undefined, 2), { examined: 1, recovered: 0, stillRefused: 1, left: 0 });
  });

  it('examines only the callbacks the rejections page filter shows', async () => {
    const wanted = anUnpaidOrder('3798.00');
    const other = anUnpaidOrder('3798.00');
    for (const order of [wanted, other]) await orders.add(order);
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(wanted.id, '3798.00', 'TRADE-W')), 'return');
    await receive(misconfigured.publicKeyPem, alipay.signedQuery(returnParams(other.id, '3798.00', 'TRADE-O')), 'return');
    const tally = await replayer().execute({ only: { q: wanted.id, channel: 'return' } });
    assert.deepEqual(tally, { examined: 1, recovered: 1, stillRefused: 0, left: 0 });
    assert.deepEqual([...store.payments.keys()], ['TRADE-W']);
    assert.equal((await replayer().execute({ only: { channel: 'notify' } })).examined, 0, 'no notify was refused');
  });
});
