import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { beforeEach, describe, it } from 'node:test';
import { InvalidSignature, MalformedCallback, NotOurMerchant, OrderContended } from '../../src/application/errors.ts';
import type { Clock } from '../../src/application/ports/clock.ts';
import type { TradeAndOrder } from '../../src/application/ports/payment-repository.ts';
import type { PaymentSettings } from '../../src/application/ports/payment-settings.ts';
import type { AwaitedPayment } from '../../src/domain/awaited-payment.ts';
import { OrderNotFound, PaymentNeedsReview, ReviewReason, TradeNoConflict } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import { Order, type OrderSnapshot } from '../../src/domain/order.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { APP_ID, createTestAlipay, newOrderId, notifyParams, returnParams, SELLER_ID } from '../support/alipay-signer.ts';
import { confirmAlipayPayment } from '../support/confirm-payment.ts';
import { anUnpaidOrder, T0 } from '../support/persistence-harness.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();
const parser = new FormCallbackParser();
const clock: Clock = { now: () => T0 };
const settings: PaymentSettings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT };

describe('ConfirmAlipayPayment', () => {
  let store: InMemoryStore;
  let orders: InMemoryOrderRepository;
  let payments: InMemoryPaymentRepository;

  function useCase(overrides: Partial<PaymentSettings> = {}, signType: 'RSA2' | 'RSA' = 'RSA2') {
    return confirmAlipayPayment({
      alipayPublicKeyPem: alipay.publicKeyPem,
      payments,
      settings: { ...settings, ...overrides },
      clock,
      signType,
    });
  }
  const command = (query: string) => ({ message: parser.parse(new Uint8Array(Buffer.from(query))), source: 'return' as const });
  const notify = (body: string) => ({ message: parser.parse(new Uint8Array(Buffer.from(body))), source: 'notify' as const });

  beforeEach(() => {
    store = new InMemoryStore();
    orders = new InMemoryOrderRepository(store);
    payments = new InMemoryPaymentRepository(store);
  });

  it('records the payment and moves the order to UNCOMMENT', async () => {
    const order = anUnpaidOrder('3798.00');
    await orders.add(order);
    const received = command(alipay.signedQuery(returnParams(order.id, '3798.00', 'TRADE1')));
    const { verified, ...result } = await useCase().execute(received);
    assert.deepEqual(result, { outcome: 'recorded', orderId: order.id, tradeNo: 'TRADE1' });
    assert.equal(verified, received.message, 'an intact message is the one verified');
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
    assert.deepEqual(store.payments.get('TRADE1'), {
      orderId: order.id,
      tradeNo: 'TRADE1',
      amount: order.total,
      source: 'return',
      receivedAt: T0,
      reviewReason: null,
    });
  });

  it('moves the order to UNSEND when the shop is configured so', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    await useCase({ statusAfterPayment: OrderStatus.UNSEND }).execute(command(alipay.signedQuery(returnParams(order.id, '3798.00'))));
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNSEND);
  });

  it('answers a repeated return as a duplicate and writes nothing more', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    const query = alipay.signedQuery(returnParams(order.id, '3798.00', 'TRADE2'));
    await useCase().execute(command(query));
    const again = await useCase().execute(command(query));
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.tradeNo, 'TRADE2');
    assert.equal(store.payments.size, 1);
  });

  it('rejects a signature by another key and writes nothing', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    await assert.rejects(useCase().execute(command(stranger.signedQuery(returnParams(order.id, '3798.00')))), InvalidSignature);
    assert.equal(store.payments.size, 0);
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNPAID);
  });

  it('rejects a message without a sign', async () => {
    await assert.rejects(useCase().execute(command(new URLSearchParams(returnParams('1', '1.00')).toString())), InvalidSignature);
  });

  it('rejects a sign_type other than the pinned one, even when it would verify', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    const sha1 = alipay.signedQuery(returnParams(order.id, '3798.00'), { algorithm: 'RSA' });
    await assert.rejects(useCase().execute(command(sha1)), /sign_type "RSA" is not RSA2/);
    const result = await useCase({}, 'RSA').execute(command(sha1));
    assert.equal(result.outcome, 'recorded');
  });

  it('verifies a message that claims no sign_type with the pinned algorithm', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    const withoutSignType = alipay.signedQuery(returnParams(order.id, '3798.00')).replace('&sign_type=RSA2', '');
    assert.equal((await useCase().execute(command(withoutSignType))).outcome, 'recorded');
    const sha1WithoutSignType = alipay
      .signedQuery(returnParams(anUnpaidOrder().id, '3798.00'), { algorithm: 'RSA' })
      .replace('&sign_type=RSA', '');
    await assert.rejects(useCase().execute(command(sha1WithoutSignType)), InvalidSignature);
  });

  it('rejects an authentic message for another app or seller', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    await assert.rejects(
      useCase().execute(command(alipay.signedQuery({ ...returnParams(order.id, '3798.00'), app_id: '2021000000000999' }))),
      NotOurMerchant,
    );
    await assert.rejects(
      useCase().execute(command(alipay.signedQuery({ ...returnParams(order.id, '3798.00'), seller_id: '2088000000000999' }))),
      NotOurMerchant,
    );
    assert.equal(store.payments.size, 0);
  });

  it('does not check the seller when none is configured', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    await useCase({ sellerId: null }).execute(
      command(alipay.signedQuery({ ...returnParams(order.id, '3798.00'), seller_id: '2088000000000999' })),
    );
    assert.equal(store.payments.size, 1);
  });

  it('reports an unknown order and records nothing', async () => {
    await assert.rejects(useCase().execute(command(alipay.signedQuery(returnParams('20990101000000000000000', '1.00')))), OrderNotFound);
    assert.equal(store.payments.size, 0);
  });

  it('rejects an authentic message whose amount or ids are missing or break the formats of Alipay', async () => {
    const broken: Array<Record<string, string>> = [
      { total_amount: '1e3' },
      { total_amount: '' },
      { trade_no: '' },
      { out_trade_no: '' },
      { out_trade_no: 'x'.repeat(65) },
      { trade_no: 'x'.repeat(65) },
      { out_trade_no: 'a\u0000b' },
      { trade_no: 'T\n1' },
    ];
    for (const fields of broken) {
      await assert.rejects(
        async () => useCase().execute(command(alipay.signedQuery({ ...returnParams('1', '1.00'), ...fields }))),
        MalformedCallback,
      );
    }
  });

  for (const [name, status, amount, reason] of [
    ['a cancelled order', OrderStatus.CANCELED, '3798.00', ReviewReason.ORDER_CANCELED],
    ['an amount that differs', OrderStatus.UNPAID, '3797.99', ReviewReason.AMOUNT_MISMATCH],
    ['an order already paid by another trade', OrderStatus.UNCOMMENT, '3798.00', ReviewReason.ALREADY_PAID],
  ] as const) {
    it(`records ${name} for review, leaves the order, and says so on every repeat`, async () => {
      const order = anUnpaidOrder('3798.00');
      await orders.add(order);
      store.orders.set(order.id, { ...order.toSnapshot(), status });
      const query = alipay.signedQuery(returnParams(order.id, amount, 'TRADE3'));
      for (let attempt = 0; attempt < 2; attempt++) {
        await assert.rejects(
          useCase().execute(command(query)),
          (error: unknown) => error instanceof PaymentNeedsReview && error.reason === reason,
        );
      }
      assert.equal(store.payments.get('TRADE3')?.reviewReason, reason);
      assert.equal(store.payments.size, 1);
      assert.equal((await orders.findById(order.id))?.status, status);
    });
  }

  it('refuses a trade_no already recorded under another order', async () => {
    const first = anUnpaidOrder();
    const second = anUnpaidOrder();
    await orders.add(first);
    await orders.add(second);
    await useCase().execute(command(alipay.signedQuery(returnParams(first.id, '3798.00', 'TRADE4'))));
    await assert.rejects(useCase().execute(command(alipay.signedQuery(returnParams(second.id, '3798.00', 'TRADE4')))), TradeNoConflict);
    assert.equal((await orders.findById(second.id))?.status, OrderStatus.UNPAID);
  });

  it('confirms 20 concurrent identical returns once', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    const query = alipay.signedQuery(returnParams(order.id, '3798.00'));
    const results = await Promise.all(Array.from({ length: 20 }, () => useCase().execute(command(query))));
    assert.equal(results.filter((r) => r.outcome === 'recorded').length, 1);
    assert.equal(store.payments.size, 1);
  });

  it('keeps the second of two trades racing for one order for review, as already paid', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    const [first, second] = await Promise.allSettled(
      ['TRADE-A', 'TRADE-B'].map((tradeNo) => useCase().execute(command(alipay.signedQuery(returnParams(order.id, '3798.00', tradeNo))))),
    );
    assert.ok(first.status === 'fulfilled');
    assert.deepEqual([first.value.outcome, first.value.orderId, first.value.tradeNo], ['recorded', order.id, 'TRADE-A']);
    assert.equal(second.status, 'rejected');
    assert.ok((second as PromiseRejectedResult).reason instanceof PaymentNeedsReview);
    assert.equal(store.payments.get('TRADE-A')?.reviewReason, null);
    assert.equal(store.payments.get('TRADE-B')?.reviewReason, ReviewReason.ALREADY_PAID);
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
  });

  it('reads again when the read its guarded write answered went stale before its write, and keeps it for review', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    const paidMeanwhile = command(alipay.signedQuery(returnParams(order.id, '3798.00', 'TRADE-A')));
    // As PostgreSQL answers a guarded write that waited for another writer's row lock: nothing written,
    // and a read from the statement's snapshot, taken before that writer committed.
    class AnsweringFromBefore extends InMemoryPaymentRepository {
      override async recordIfAwaited(awaited: AwaitedPayment): Promise<'recorded' | TradeAndOrder> {
        const before = await this.findTrade(awaited.payment.tradeNo, awaited.awaiting.id);
        await useCase().execute(paidMeanwhile);
        return before;
      }
    }
    const confirm = confirmAlipayPayment({
      alipayPublicKeyPem: alipay.publicKeyPem,
      payments: new AnsweringFromBefore(store),
      settings,
      clock,
    });
    await assert.rejects(
      confirm.execute(command(alipay.signedQuery(returnParams(order.id, '3798.00', 'TRADE-B')))),
      (error: unknown) => error instanceof PaymentNeedsReview && error.reason === ReviewReason.ALREADY_PAID,
    );
    assert.equal(store.payments.get('TRADE-A')?.reviewReason, null);
    assert.equal(store.payments.get('TRADE-B')?.reviewReason, ReviewReason.ALREADY_PAID);
    assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
  });

  it('asks the repository once for a new payment and once for its refresh: one round trip each', async () => {
    const order = anUnpaidOrder();
    await orders.add(order);
    const calls: string[] = [];
    const counted = new Proxy(payments, {
      get(target, name, receiver) {
        const member = Reflect.get(target, name, receiver);
        if (typeof member !== 'function') return member;
        return (...args: unknown[]) => {
          calls.push(String(name));
          return member.apply(target, args);
        };
      },
    });
    const confirm = confirmAlipayPayment({ alipayPublicKeyPem: alipay.publicKeyPem, payments: counted, settings, clock });
    const query = command(alipay.signedQuery(returnParams(order.id, '3798.00', 'TRADE-ONCE')));
    assert.equal((await confirm.execute(query)).outcome, 'recorded');
    assert.deepEqual(calls.splice(0), ['recordIfAwaited']);
    assert.equal((await confirm.execute(query)).outcome, 'duplicate');
    assert.deepEqual(calls, ['recordIfAwaited']);
  });

  it('gives up with OrderContended, writing nothing, when the order changes between every read and write', async () => {
    // Another writer that moves the order each time it is read: the in-memory store, with a restless table.
    // Cash on delivery, so that the guarded write never takes it and every round reads and decides.
    class RestlessOrders extends Map<string, OrderSnapshot> {
      override get(id: string): OrderSnapshot | undefined {
        const order = super.get(id);
        if (order) super.set(id, { ...order, status: order.status === OrderStatus.UNPAID ? OrderStatus.CANCELED : OrderStatus.UNPAID });
        return order;
      }
    }
    const restless = Object.assign(new InMemoryStore(), { orders: new RestlessOrders() });
    const order = Order.place(newOrderId(), Money.parse('3798.00'), PayMethod.CASH, T0);
    await new InMemoryOrderRepository(restless).add(order);
    const confirm = confirmAlipayPayment({
      alipayPublicKeyPem: alipay.publicKeyPem,
      payments: new InMemoryPaymentRepository(restless),
      settings,
      clock,
    });
    await assert.rejects(confirm.execute(command(alipay.signedQuery(returnParams(order.id, '3798.00', 'RESTLESS')))), (error: unknown) => {
      return error instanceof OrderContended && error.orderId === order.id && error.tradeNo === 'RESTLESS';
    });
    assert.equal(restless.payments.size, 0);
  });

  describe('for an async notify', () => {
    it('records TRADE_SUCCESS as a payment from the notify', async () => {
      const order = anUnpaidOrder('88.80');
      await orders.add(order);
      const result = await useCase().execute(notify(alipay.signedQuery(notifyParams(order.id, '88.80', 'TRADE_SUCCESS', 'N1'))));
      assert.equal(result.outcome, 'recorded');
      assert.equal(store.payments.get('N1')?.source, 'notify');
      assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNCOMMENT);
    });

    for (const status of ['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'SOMETHING_NEW', '']) {
      it(`changes nothing for trade_status ${JSON.stringify(status)}`, async () => {
        const order = anUnpaidOrder('88.80');
        await orders.add(order);
        const result = await useCase().execute(notify(alipay.signedQuery(notifyParams(order.id, '88.80', status))));
        assert.equal(result.outcome, 'ignored');
        assert.equal(store.payments.size, 0);
        assert.equal((await orders.findById(order.id))?.status, OrderStatus.UNPAID);
      });
    }

    it('never takes a refund notify for a new payment, even with TRADE_SUCCESS', async () => {
      const order = anUnpaidOrder('88.80');
      await orders.add(order);
      const refunds: Array<Record<string, string>> = [
        { refund_fee: '10.00', gmt_refund: '2026-11-27 10:00:00.000' },
        { refund_fee: '10.00' },
        { gmt_refund: '2026-11-27 10:00:00' },
      ];
      for (const refund of refunds) {
        const body = alipay.signedQuery({ ...notifyParams(order.id, '88.80', 'TRADE_SUCCESS'), ...refund });
        assert.equal((await useCase().execute(notify(body))).outcome, 'ignored');
      }
      assert.equal(store.payments.size, 0);
    });

    it('records TRADE_FINISHED for a trade it never saw, and takes a later one as a duplicate', async () => {
      const first = anUnpaidOrder('88.80');
      const second = anUnpaidOrder('88.80');
      await orders.add(first);
      await orders.add(second);
      assert.equal(
        (await useCase().execute(notify(alipay.signedQuery(notifyParams(first.id, '88.80', 'TRADE_FINISHED'))))).outcome,
        'recorded',
      );
      await useCase().execute(notify(alipay.signedQuery(notifyParams(second.id, '88.80', 'TRADE_SUCCESS'))));
      assert.equal(
        (await useCase().execute(notify(alipay.signedQuery(notifyParams(second.id, '88.80', 'TRADE_FINISHED'))))).outcome,
        'duplicate',
      );
      assert.equal(store.payments.size, 2);
    });

    it('takes the notify after the return as a duplicate', async () => {
      const order = anUnpaidOrder('88.80');
      await orders.add(order);
      await useCase().execute(command(alipay.signedQuery(returnParams(order.id, '88.80', 'N2'))));
      assert.equal(
        (await useCase().execute(notify(alipay.signedQuery(notifyParams(order.id, '88.80', 'TRADE_SUCCESS', 'N2'))))).outcome,
        'duplicate',
      );
    });

    it('checks the signature before it reads trade_status', async () => {
      await assert.rejects(useCase().execute(notify(stranger.signedQuery(notifyParams('1', '88.80', 'WAIT_BUYER_PAY')))), InvalidSignature);
    });
  });
});
