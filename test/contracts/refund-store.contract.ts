import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { AdminAction, AdminAudit } from '../../src/application/ports/admin-audit.ts';
import type { PaymentReviews } from '../../src/application/ports/payment-reviews.ts';
import type { NewRefund, RefundStore } from '../../src/application/ports/refund-store.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';

/** A fresh, empty store, and a way to put payments in it as the service records them. */
export interface RefundStoreFixture {
  readonly refunds: RefundStore;
  readonly audit: AdminAudit;
  readonly reviews: PaymentReviews;
  /** Adds an order (status UNCOMMENT unless told) and one payment of it; amount null as Meiduo's own rows. */
  addPayment(payment: {
    tradeNo: string;
    orderId: string;
    amount: string | null;
    keptForReview?: boolean;
    orderStatus?: OrderStatus;
  }): Promise<void>;
  orderStatus(orderId: string): Promise<OrderStatus>;
}

export interface RefundStoreHarness {
  readonly name: string;
  create(): Promise<RefundStoreFixture>;
  close(): Promise<void>;
}

const AT = new Date('2026-11-30T02:00:00.000Z');
const later = (ms: number) => new Date(AT.getTime() + ms);
const SCHEDULE = new QuerySchedule([15_000, 60_000, 300_000]);

const refund = (outRequestNo: string, amount: string, over: Partial<NewRefund> = {}): NewRefund => ({
  outRequestNo,
  orderId: 'O1',
  tradeNo: 'T1',
  amount: Money.parse(amount),
  reason: '缺货退款',
  requestedBy: 'li.wei',
  requestedAt: AT,
  ...over,
});
const audit = (detail: string): AdminAction => ({
  at: AT,
  actor: 'li.wei',
  remoteAddress: '203.0.113.9',
  action: 'refund',
  target: 'T1',
  detail,
});

export function describeRefundStoreContract(harness: RefundStoreHarness): void {
  describe(`RefundStore contract: ${harness.name}`, () => {
    let f: RefundStoreFixture;
    const request = (outRequestNo: string, amount: string, over: Partial<NewRefund> = {}) =>
      f.refunds.request(refund(outRequestNo, amount, over), audit(outRequestNo), later(15_000));
    beforeEach(async () => {
      f = await harness.create();
    });
    after(() => harness.close());

    it('stores a refund as pending with its audit row, and finds it by out_request_no, trade and order', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      const requested = await request('RF1', '10.00');
      assert.equal(requested.outcome, 'requested');
      const expected = {
        ...refund('RF1', '10.00'),
        origin: 'ours',
        status: 'pending',
        settledAt: null,
        refundedAt: null,
        refusal: null,
      };
      assert.deepEqual(requested.outcome === 'requested' && requested.refund, expected);
      assert.deepEqual(await f.refunds.find('RF1'), expected);
      assert.deepEqual(await f.refunds.forTrade('T1'), [expected]);
      assert.deepEqual(await f.refunds.forOrder('O1'), [expected]);
      assert.equal(await f.refunds.find('RF2'), null);
      assert.deepEqual(await f.audit.recent(10), [audit('RF1')]);
    });

    it('refuses, writing nothing, a refund of more than is left: the payment less every refund not refused', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await request('RF1', '80.00');
      await f.refunds.settleRefunded('RF1', later(1), later(1));
      const refused = await request('RF2', '8.81');
      assert.equal(refused.outcome, 'exceeds');
      assert.equal(refused.outcome === 'exceeds' && refused.remaining.toString(), '8.80');
      assert.equal((await request('RF3', '8.80')).outcome, 'requested', 'exactly what is left');
      await f.refunds.settleRefunded('RF3', later(2), later(2));
      assert.equal((await request('RF4', '0.01')).outcome, 'exceeds');
      assert.deepEqual(
        (await f.refunds.forTrade('T1')).map((r) => r.outRequestNo),
        ['RF1', 'RF3'],
      );
      assert.equal((await f.audit.recent(10)).length, 2, 'no audit row for a refused request');
    });

    it('has no payment to weigh for an unknown trade, or one Meiduo wrote without an amount', async () => {
      await f.addPayment({ tradeNo: 'T2', orderId: 'O2', amount: null });
      assert.deepEqual(await request('RF1', '1.00', { tradeNo: 'T9' }), { outcome: 'no_payment' });
      assert.deepEqual(await request('RF2', '1.00', { tradeNo: 'T2', orderId: 'O2' }), { outcome: 'no_payment' });
      assert.deepEqual(await f.audit.recent(10), []);
    });

    it('frees the amount of a refused refund, and settles a refusal only while pending', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await request('RF1', '88.80');
      const refusal = { subCode: 'ACQ.TRADE_NOT_ALLOW_REFUND', message: '当前交易不允许退款' };
      assert.equal(await f.refunds.settleRefused('RF1', later(1_000), refusal), true);
      assert.equal(await f.refunds.settleRefused('RF1', later(2_000), refusal), false, 'once');
      const refused = await f.refunds.find('RF1');
      assert.deepEqual([refused?.status, refused?.refusal, refused?.settledAt], ['refused', refusal, later(1_000)]);
      assert.equal((await request('RF2', '88.80')).outcome, 'requested');
      await f.refunds.settleRefunded('RF2', later(3_000), later(2_500));
      assert.equal(await f.refunds.settleRefused('RF2', later(4_000), refusal), false, 'a refunded refund is never refused');
      assert.equal(await f.refunds.settleRefused('RF9', later(4_000), refusal), false);
    });

    it('settles a refund refunded once; Alipay’s later word wins over a refusal', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await request('RF1', '10.00');
      const settled = await f.refunds.settleRefunded('RF1', later(1_000), later(500));
      assert.equal(settled?.refund.status, 'refunded');
      assert.deepEqual([settled?.refund.settledAt, settled?.refund.refundedAt], [later(1_000), later(500)]);
      assert.equal(await f.refunds.settleRefunded('RF1', later(2_000), later(2_000)), null, 'once');
      assert.equal(await f.refunds.settleRefunded('RF9', later(2_000), later(2_000)), null);
      await request('RF2', '10.00');
      await f.refunds.settleRefused('RF2', later(3_000), { subCode: 'ACQ.SYSTEM_ERROR', message: '' });
      const late = await f.refunds.settleRefunded('RF2', later(4_000), later(4_000));
      assert.deepEqual([late?.refund.status, late?.refund.refusal], ['refunded', null]);
    });

    it('cancels the order when the payment that paid it is refunded in full, in the same write, and not before', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await request('RF1', '80.00');
      const partial = await f.refunds.settleRefunded('RF1', later(1_000), later(1_000));
      assert.deepEqual([partial?.orderCanceled, partial?.reviewResolved], [false, false]);
      await request('RF2', '8.80');
      assert.equal(await f.orderStatus('O1'), OrderStatus.UNCOMMENT, 'a pending refund does not count');
      const full = await f.refunds.settleRefunded('RF2', later(2_000), later(2_000));
      assert.equal(full?.orderCanceled, true);
      assert.equal(await f.orderStatus('O1'), OrderStatus.CANCELED);
    });

    it('resolves the review of a payment kept for review with the refund, and leaves its order alone', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80', keptForReview: true, orderStatus: OrderStatus.CANCELED });
      await request('RF1', '88.80');
      assert.equal((await f.reviews.stateOf('T1')).state, 'pending', 'not while the refund is pending');
      const settled = await f.refunds.settleRefunded('RF1', later(1_000), later(1_000));
      assert.deepEqual([settled?.orderCanceled, settled?.reviewResolved], [false, true]);
      assert.equal((await f.reviews.stateOf('T1')).state, 'resolved');
      assert.equal(await f.orderStatus('O1'), OrderStatus.CANCELED);
    });

    it('keeps what a refund notify adds to the refunds it knows as an external refund, once, with the same effects', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await request('RF1', '8.80');
      await f.refunds.settleRefunded('RF1', later(100), later(100));
      const external = {
        outRequestNo: 'HZ01',
        tradeNo: 'T1',
        cumulative: Money.parse('88.80'),
        refundedAt: later(500),
        learntAt: later(1_000),
      };
      const kept = await f.refunds.recordExternal(external);
      assert.deepEqual(kept.outcome === 'recorded' && { ...kept.settled.refund, orderCanceled: kept.settled.orderCanceled }, {
        outRequestNo: 'HZ01',
        orderId: 'O1',
        tradeNo: 'T1',
        amount: Money.parse('80.00'),
        reason: '',
        requestedBy: '',
        requestedAt: later(1_000),
        origin: 'external',
        status: 'refunded',
        settledAt: later(1_000),
        refundedAt: later(500),
        refusal: null,
        orderCanceled: true,
      });
      assert.deepEqual(await f.refunds.recordExternal(external), { outcome: 'nothing_new' }, 'once');
      assert.deepEqual(
        await f.refunds.recordExternal({ ...external, outRequestNo: 'HZ02' }),
        { outcome: 'nothing_new' },
        'nothing more went back',
      );
      assert.deepEqual(
        await f.refunds.recordExternal({ ...external, outRequestNo: 'HZ03', tradeNo: 'T9' }),
        { outcome: 'nothing_new' },
        'not our payment',
      );
    });

    it('cannot tell what a refund notify adds while a refund of ours of the trade is pending', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await request('RF1', '30.00');
      const external = {
        outRequestNo: 'HZ01',
        tradeNo: 'T1',
        cumulative: Money.parse('38.80'),
        refundedAt: later(500),
        learntAt: later(1_000),
      };
      assert.deepEqual(await f.refunds.recordExternal(external), { outcome: 'ours_pending' });
      await f.refunds.settleRefunded('RF1', later(2_000), later(2_000));
      const kept = await f.refunds.recordExternal(external);
      assert.equal(kept.outcome === 'recorded' && kept.settled.refund.amount.toString(), '8.80');
    });

    it('adds each of two refund notifies at once only what the other did not', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '100.00' });
      const notified = (no: string, cumulative: string) =>
        f.refunds.recordExternal({ outRequestNo: no, tradeNo: 'T1', cumulative: Money.parse(cumulative), refundedAt: AT, learntAt: AT });
      await Promise.all([notified('HZ01', '30.00'), notified('HZ02', '60.00'), notified('HZ03', '30.00'), notified('HZ04', '60.00')]);
      const held = (await f.refunds.forTrade('T1')).reduce((sum, r) => sum + r.amount.fen, 0);
      assert.equal(held, 6000, 'what Alipay says went back, never more');
    });

    it('takes one request once: the same out_request_no again is the first, and none while another is pending', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      const first = await request('RF1', '10.00');
      const again = await Promise.all([request('RF1', '10.00'), request('RF1', '10.00')]);
      assert.deepEqual(
        again.map((r) => r.outcome),
        ['duplicate', 'duplicate'],
      );
      assert.deepEqual(again[0]?.outcome === 'duplicate' && again[0].refund, first.outcome === 'requested' && first.refund);
      const another = await request('RF2', '10.00');
      assert.equal(another.outcome === 'pending_exists' && another.pending.outRequestNo, 'RF1');
      await f.refunds.settleRefunded('RF1', later(1_000), later(1_000));
      assert.equal((await request('RF2', '10.00')).outcome, 'requested');
      assert.equal((await f.audit.recent(10)).length, 2);
    });

    it('claims a due pending refund once, moving it to its next slot', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await f.addPayment({ tradeNo: 'T2', orderId: 'O2', amount: '88.80' });
      await request('RF1', '1.00');
      assert.equal((await request('RF2', '1.00', { tradeNo: 'T2', orderId: 'O2' })).outcome, 'requested');
      await f.refunds.settleRefunded('RF2', later(1_000), later(1_000));
      assert.deepEqual(await f.refunds.claimDue(later(14_999), 10, SCHEDULE), [], 'not before its first check');
      assert.deepEqual(
        (await f.refunds.claimDue(later(15_000), 10, SCHEDULE)).map((r) => r.outRequestNo),
        ['RF1'],
        'settled refunds are never claimed',
      );
      assert.deepEqual(await f.refunds.claimDue(later(59_999), 10, SCHEDULE), [], 'moved to its next slot');
      assert.equal((await f.refunds.claimDue(later(60_000), 10, SCHEDULE)).length, 1);
      assert.equal((await f.refunds.claimDue(later(300_000), 10, SCHEDULE)).length, 1);
      assert.deepEqual(
        await f.refunds.claimDue(later(9_000_000), 10, SCHEDULE),
        [],
        'past its last slot it waits for a notify or the bill',
      );
    });

    it('lets one of many refunds of a payment at once through; the others see it pending', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => request(`RF${i}`, '88.80')));
      const stored = results.find((r) => r.outcome === 'requested');
      assert.ok(stored?.outcome === 'requested');
      assert.deepEqual(
        results.filter((r) => r.outcome !== 'requested').map((r) => r.outcome === 'pending_exists' && r.pending.outRequestNo),
        Array(7).fill(stored.refund.outRequestNo),
      );
      assert.equal((await f.audit.recent(20)).length, 1);
    });

    it('never lets refunds at once add up to more than the payment, once the earlier ones are settled', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '10.00' });
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => request(`RF${round}-${i}`, '3.00')));
        for (const r of results)
          if (r.outcome === 'requested') await f.refunds.settleRefunded(r.refund.outRequestNo, later(round), later(round));
      }
      const held = (await f.refunds.forTrade('T1')).reduce((sum, r) => sum + r.amount.fen, 0);
      assert.equal(held, 900, 'three of 3.00 fit in 10.00; a fourth would not');
    });

    it('settles one refund once however many settle it at once, and claims each due refund once', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', amount: '88.80' });
      await request('RF1', '88.80');
      const settled = await Promise.all(Array.from({ length: 8 }, (_, i) => f.refunds.settleRefunded('RF1', later(i), later(i))));
      assert.equal(settled.filter((s) => s !== null).length, 1);
      assert.equal(settled.filter((s) => s?.orderCanceled).length, 1);
      for (let i = 0; i < 6; i++) {
        await f.addPayment({ tradeNo: `TQ${i}`, orderId: `OQ${i}`, amount: '88.80' });
        await request(`RQ${i}`, '1.00', { tradeNo: `TQ${i}`, orderId: `OQ${i}` });
      }
      const claims = await Promise.all(Array.from({ length: 4 }, () => f.refunds.claimDue(later(15_000), 2, SCHEDULE)));
      const claimed = claims.flat().map((r) => r.outRequestNo);
      assert.equal(new Set(claimed).size, claimed.length, 'no refund claimed twice');
      assert.equal(claimed.length, 6);
    });
  });
}
