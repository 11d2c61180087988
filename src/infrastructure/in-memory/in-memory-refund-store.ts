import type { AdminAction } from '../../application/ports/admin-audit.ts';
import type {
  ExternalRecorded,
  ExternalRefund,
  NewRefund,
  RefundRecord,
  RefundRefusal,
  RefundRequested,
  RefundSettled,
  RefundStore,
} from '../../application/ports/refund-store.ts';
import type { QuerySchedule } from '../../domain/query-schedule.ts';
import { orderAfterRefund, portalRefundOf, refundedOf, remainingOf, reviewResolutionNote } from '../../domain/refund.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/** tb_refund in memory. Each check and its write run without an await between them: that is this store's atomicity. */
export class InMemoryRefundStore implements RefundStore {
  constructor(private readonly store: InMemoryStore) {}

  async request(refund: NewRefund, audit: AdminAction, firstCheck: Date): Promise<RefundRequested> {
    const stored = this.store.refunds.get(refund.outRequestNo);
    if (stored !== undefined) return { outcome: 'duplicate', refund: stored.record };
    const payment = this.store.payments.get(refund.tradeNo);
    if (payment === undefined || payment.amount === null) return { outcome: 'no_payment' };
    const pending = this.of(refund.tradeNo).find((r) => r.origin === 'ours' && r.status === 'pending');
    if (pending !== undefined) return { outcome: 'pending_exists', pending };
    const remaining = remainingOf(payment.amount, this.of(refund.tradeNo));
    if (refund.amount.fen > remaining.fen) return { outcome: 'exceeds', remaining };
    const record: RefundRecord = {
      ...refund,
      origin: 'ours',
      status: 'pending',
      settledAt: null,
      refundedAt: null,
      refusal: null,
    };
    this.store.refunds.set(refund.outRequestNo, { record, dueAt: firstCheck });
    this.store.adminActions.push({ ...audit });
    return { outcome: 'requested', refund: record };
  }

  async find(outRequestNo: string): Promise<RefundRecord | null> {
    return this.store.refunds.get(outRequestNo)?.record ?? null;
  }

  async forTrade(tradeNo: string): Promise<RefundRecord[]> {
    return this.of(tradeNo);
  }

  async forOrder(orderId: string): Promise<RefundRecord[]> {
    return [...this.store.refunds.values()].map(({ record }) => record).filter((record) => record.orderId === orderId);
  }

  async settleRefunded(outRequestNo: string, at: Date, refundedAt: Date): Promise<RefundSettled | null> {
    const entry = this.store.refunds.get(outRequestNo);
    if (entry === undefined || entry.record.status === 'refunded') return null;
    entry.record = { ...entry.record, status: 'refunded', settledAt: at, refundedAt, refusal: null };
    entry.dueAt = null;
    return this.effectsOf(entry.record, at);
  }

  async settleRefused(outRequestNo: string, at: Date, refusal: RefundRefusal): Promise<boolean> {
    const entry = this.store.refunds.get(outRequestNo);
    if (entry === undefined || entry.record.status !== 'pending') return false;
    entry.record = { ...entry.record, status: 'refused', settledAt: at, refusal: { ...refusal } };
    entry.dueAt = null;
    return true;
  }

  async recordExternal(refund: ExternalRefund): Promise<ExternalRecorded> {
    const payment = this.store.payments.get(refund.tradeNo);
    if (payment === undefined || this.store.refunds.has(refund.outRequestNo)) return { outcome: 'nothing_new' };
    const amount = portalRefundOf(refund.cumulative, this.of(refund.tradeNo));
    if (amount === 'ours_pending') return { outcome: 'ours_pending' };
    if (amount.fen === 0) return { outcome: 'nothing_new' };
    const record: RefundRecord = {
      outRequestNo: refund.outRequestNo,
      orderId: payment.orderId,
      tradeNo: refund.tradeNo,
      amount,
      reason: '',
      requestedBy: '',
      requestedAt: refund.learntAt,
      origin: 'external',
      status: 'refunded',
      settledAt: refund.learntAt,
      refundedAt: refund.refundedAt,
      refusal: null,
    };
    this.store.refunds.set(refund.outRequestNo, { record, dueAt: null });
    return { outcome: 'recorded', settled: this.effectsOf(record, refund.learntAt) };
  }

  async claimDue(now: Date, limit: number, schedule: QuerySchedule): Promise<RefundRecord[]> {
    const due = [...this.store.refunds.values()]
      .filter(({ record, dueAt }) => record.status === 'pending' && dueAt !== null && dueAt <= now)
      .sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())
      .slice(0, limit);
    for (const entry of due) entry.dueAt = schedule.nextAfter(entry.record.requestedAt, now);
    return due.map(({ record }) => record);
  }

  private of(tradeNo: string): RefundRecord[] {
    return [...this.store.refunds.values()].map(({ record }) => record).filter((record) => record.tradeNo === tradeNo);
  }

  /** The order and the review, as settleRefunded changes them in its transaction. */
  private effectsOf(refund: RefundRecord, at: Date): RefundSettled {
    const payment = this.store.payments.get(refund.tradeNo)!;
    const order = this.store.orders.get(refund.orderId);
    let orderCanceled = false;
    if (order !== undefined && payment.amount !== null) {
      const applied = payment.reviewReason === null;
      const next = orderAfterRefund(order.status, { applied, amount: payment.amount }, refundedOf(this.of(refund.tradeNo)));
      if (next !== null) {
        this.store.orders.set(order.id, { ...order, status: next, updatedAt: at });
        orderCanceled = true;
      }
    }
    const reviewResolved = payment.reviewReason !== null && !this.store.resolutions.has(refund.tradeNo);
    if (reviewResolved) {
      this.store.resolutions.set(refund.tradeNo, { by: refund.requestedBy || 'alipay', at, note: reviewResolutionNote(refund) });
    }
    return { refund, orderCanceled, reviewResolved };
  }
}
