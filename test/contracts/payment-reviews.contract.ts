import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { AdminAction, AdminAudit } from '../../src/application/ports/admin-audit.ts';
import type { PaymentReviews } from '../../src/application/ports/payment-reviews.ts';

/** A fresh, empty store, and a way to put payments in it as the service records them. */
export interface PaymentReviewsFixture {
  readonly reviews: PaymentReviews;
  /** The audit trail, on the same store. */
  readonly audit: AdminAudit;
  /** Adds an order and one payment of it, applied or kept for review. */
  addPayment(payment: { readonly tradeNo: string; readonly orderId: string; readonly keptForReview: boolean }): Promise<void>;
}

export interface PaymentReviewsHarness {
  readonly name: string;
  create(): Promise<PaymentReviewsFixture>;
  close(): Promise<void>;
}

const AT = new Date('2026-11-30T02:00:00.000Z');
const resolution = (note: string, at = AT) => ({ by: 'admin', at, note });
const action = (detail: string, at = AT): AdminAction => ({
  at,
  actor: 'admin',
  remoteAddress: '203.0.113.9',
  action: 'resolve_review',
  target: 'T1',
  detail,
});

export function describePaymentReviewsContract(harness: PaymentReviewsHarness): void {
  describe(`PaymentReviews and AdminAudit contract: ${harness.name}`, () => {
    let f: PaymentReviewsFixture;
    beforeEach(async () => {
      f = await harness.create();
    });
    after(() => harness.close());

    it('tells pending, applied and unknown payments apart', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', keptForReview: true });
      await f.addPayment({ tradeNo: 'T2', orderId: 'O2', keptForReview: false });
      assert.deepEqual(await f.reviews.stateOf('T1'), { state: 'pending', orderId: 'O1' });
      assert.deepEqual(await f.reviews.stateOf('T2'), { state: 'applied', orderId: 'O2' });
      assert.deepEqual(await f.reviews.stateOf('T3'), { state: 'unknown', orderId: null });
      assert.deepEqual(await f.reviews.stateOf('T1\u0000'), { state: 'unknown', orderId: null });
    });

    it('resolves a pending payment once, with its audit row', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', keptForReview: true });
      assert.equal(await f.reviews.resolve('T1', resolution('已在支付宝退款'), action('已在支付宝退款')), true);
      assert.deepEqual(await f.reviews.stateOf('T1'), { state: 'resolved', orderId: 'O1' });
      assert.deepEqual(await f.audit.recent(10), [action('已在支付宝退款')]);
      const later = new Date(AT.getTime() + 60_000);
      assert.equal(await f.reviews.resolve('T1', resolution('again', later), action('again', later)), false, 'only once');
      assert.deepEqual(await f.audit.recent(10), [action('已在支付宝退款')], 'a refused write leaves no audit row');
    });

    it('writes nothing for applied or unknown payments', async () => {
      await f.addPayment({ tradeNo: 'T2', orderId: 'O2', keptForReview: false });
      assert.equal(await f.reviews.resolve('T2', resolution('x'), action('x')), false);
      assert.equal(await f.reviews.resolve('T9', resolution('x'), action('x')), false);
      assert.deepEqual(await f.reviews.stateOf('T2'), { state: 'applied', orderId: 'O2' });
      assert.deepEqual(await f.audit.recent(10), []);
    });

    it('lets exactly one of many operators at once resolve a payment', async () => {
      await f.addPayment({ tradeNo: 'T1', orderId: 'O1', keptForReview: true });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => f.reviews.resolve('T1', resolution(`note ${i}`), action(`note ${i}`))),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const actions = await f.audit.recent(50);
      assert.equal(actions.length, 1);
      assert.equal(actions[0]?.detail, `note ${results.indexOf(true)}`, 'the audit row is the winner’s');
    });

    it('lists actions newest first, at most the limit', async () => {
      for (let i = 1; i <= 3; i++) {
        await f.addPayment({ tradeNo: `T${i}`, orderId: `O${i}`, keptForReview: true });
        const at = new Date(AT.getTime() + i * 1000);
        await f.reviews.resolve(`T${i}`, resolution(`n${i}`, at), { ...action(`n${i}`, at), target: `T${i}` });
      }
      assert.deepEqual(
        (await f.audit.recent(2)).map((a) => a.detail),
        ['n3', 'n2'],
      );
    });

    it('keeps any action in the audit trail, cut to its columns, NUL replaced', async () => {
      const long = {
        ...action('d'.repeat(1200)),
        action: 'query_order' as const,
        actor: `a\u0000${'b'.repeat(80)}`,
        target: 'O'.repeat(300),
      };
      await f.audit.record(long);
      const [kept] = await f.audit.recent(1);
      assert.equal(kept?.action, 'query_order');
      assert.equal(kept?.actor, `a\uFFFD${'b'.repeat(62)}`);
      assert.equal(kept?.target.length, 200);
      assert.equal(kept?.detail.length, 1000);
      assert.equal(kept?.at.getTime(), AT.getTime());
    });
  });
}
