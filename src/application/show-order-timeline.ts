import { inject, injectable } from 'inversify';
import type { DiscrepancyResolution } from '../domain/discrepancy.ts';
import { Money } from '../domain/money.ts';
import type { OrderSnapshot } from '../domain/order.ts';
import type { ItemKind } from '../domain/reconciliation.ts';
import { refundedOf, remainingOf } from '../domain/refund.ts';
import { InvalidQuery } from './errors.ts';
import type { OrderRepository } from './ports/order-repository.ts';
import type { PaymentEventKind, PaymentEventLog } from './ports/payment-events.ts';
import type { PaymentLedger, PaymentRecord } from './ports/payment-ledger.ts';
import type { OrderDiscrepancies, ReconciliationStore, StoredItem } from './ports/reconciliation-store.ts';
import type { RefundRecord, RefundStore } from './ports/refund-store.ts';
import type { RejectionLog, RejectionRecord } from './ports/rejection-log.ts';
import { TOKENS } from './tokens.ts';

const ORDER_ID = /^[0-9A-Za-z_-]{1,64}$/;
/** Whether `id` has the shape of an order id this service takes: 1 to 64 of [0-9A-Za-z_-]. */
export const isOrderId = (id: string): boolean => ORDER_ID.test(id);
/** The most events and verified refusals one timeline shows: the newest ones. Payments and discrepancies are always all shown. */
export const TIMELINE_LIMIT = 200;

/** One thing that happened to the order; an event's `text` is its summary (for a query, Alipay's answer). */
export type TimelineEntry =
  | { readonly at: Date; readonly kind: PaymentEventKind; readonly text: string }
  | { readonly at: Date; readonly kind: 'payment'; readonly payment: PaymentRecord; readonly refunds: PaymentRefunds | null }
  /** At its request; an external refund (made in Alipay's portal) when it was learnt of. */
  | { readonly at: Date; readonly kind: 'refund'; readonly refund: RefundRecord }
  | { readonly at: Date; readonly kind: 'rejection'; readonly rejection: RejectionRecord }
  /** At the finish of the run that found it; one a re-run no longer found, at its resolution. */
  | { readonly at: Date; readonly kind: 'discrepancy'; readonly discrepancy: TimelineDiscrepancy };

/** What of a payment has gone back, and what may still be refunded; for a payment with an amount and a trade no. */
export interface PaymentRefunds {
  /** Confirmed by Alipay. */
  readonly refunded: Money;
  /** The payment less every refund not refused (pending ones may yet move money). */
  readonly remaining: Money;
}

/** A reconciliation discrepancy of the order. */
export interface TimelineDiscrepancy {
  /** The bill's day, yyyy-MM-dd. */
  readonly date: string;
  readonly kind: ItemKind;
  readonly tradeNo: string;
  /** The item of the day's latest run; null when that run no longer found it (only its resolution remembers it). */
  readonly item: StoredItem | null;
  readonly resolution: DiscrepancyResolution | null;
}

export interface OrderTimeline {
  readonly orderId: string;
  /** null when the order is not ours, though payments, events or discrepancies name it. */
  readonly order: OrderSnapshot | null;
  /**
   * Oldest first: every payment (with its review and who handled it, and what of it was refunded), every
   * refund, every reconciliation discrepancy
   * (with who handled it), and the newest TIMELINE_LIMIT of the order's events and of the refused
   * callbacks whose signature verified.
   */
  readonly entries: readonly TimelineEntry[];
  /** Older events or refusals exist and were left out. */
  readonly cut: boolean;
  /** Callbacks naming the order whose signature did not verify: anyone can send them, so only counted here. */
  readonly unverifiedAttempts: number;
}

/** Everything known about one order's payment, from every record that keeps a part of it, in time order. */
@injectable()
export class ShowOrderTimeline {
  constructor(
    @inject(TOKENS.OrderRepository) private readonly orders: OrderRepository,
    @inject(TOKENS.PaymentLedger) private readonly ledger: PaymentLedger,
    @inject(TOKENS.RejectionLog) private readonly rejections: RejectionLog,
    @inject(TOKENS.PaymentEventLog) private readonly events: PaymentEventLog,
    @inject(TOKENS.ReconciliationStore) private readonly reconciliations: ReconciliationStore,
    @inject(TOKENS.RefundStore) private readonly refunds: RefundStore,
  ) {}

  /** null when nothing at all is known about `orderId`. @throws InvalidQuery | StoreUnavailable */
  async execute(orderId: string): Promise<OrderTimeline | null> {
    if (!isOrderId(orderId)) throw new InvalidQuery('order_id', 'the order id must be 1 to 64 of [0-9A-Za-z_-]');
    // One more than shown from each record: the newest TIMELINE_LIMIT overall are all among them,
    // and anything beyond says the timeline was cut.
    const fetch = TIMELINE_LIMIT + 1;
    const [order, payments, rejections, events, unverifiedAttempts, discrepancies, refunds] = await Promise.all([
      this.orders.findById(orderId),
      this.ledger.forOrder(orderId, fetch),
      this.rejections.forOrder(orderId, fetch, true),
      this.events.listFor(orderId, fetch),
      this.rejections.countUnverifiedForOrder(orderId),
      this.reconciliations.forOrder(orderId, TIMELINE_LIMIT),
      this.refunds.forOrder(orderId),
    ]);
    const others: TimelineEntry[] = [
      ...events.map((event) => ({ at: event.at, kind: event.kind, text: event.summary })),
      ...rejections.map((rejection) => ({ at: rejection.at, kind: 'rejection' as const, rejection })),
    ];
    const found = discrepancyEntries(discrepancies);
    if (order === null && others.length === 0 && payments.length === 0 && found.length === 0 && unverifiedAttempts === 0) return null;
    // Stable sorts: at the same instant, events come before rejections, both before payments, and payments before their refunds.
    others.sort((a, b) => a.at.getTime() - b.at.getTime());
    const entries = [
      ...others.slice(Math.max(0, others.length - TIMELINE_LIMIT)),
      ...payments.map((payment) => ({ at: payment.receivedAt, kind: 'payment' as const, payment, refunds: refundsOf(payment, refunds) })),
      ...refunds.map((refund) => ({ at: refund.requestedAt, kind: 'refund' as const, refund })),
      ...found,
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    return { orderId, order: order?.toSnapshot() ?? null, entries, cut: others.length > TIMELINE_LIMIT, unverifiedAttempts };
  }
}

function refundsOf(payment: PaymentRecord, refunds: readonly RefundRecord[]): PaymentRefunds | null {
  if (payment.amount === null || payment.tradeNo === null) return null;
  const ofTrade = refunds.filter((refund) => refund.tradeNo === payment.tradeNo);
  return { refunded: refundedOf(ofTrade), remaining: remainingOf(Money.parse(payment.amount), ofTrade) };
}

function discrepancyEntries({ found, unfound }: OrderDiscrepancies): TimelineEntry[] {
  return [
    ...found.map(({ date, runAt, item }) => ({
      at: runAt,
      kind: 'discrepancy' as const,
      discrepancy: { date, kind: item.kind, tradeNo: item.tradeNo, item, resolution: item.resolution },
    })),
    ...unfound.map(({ key, resolution }) => ({
      at: resolution.at,
      kind: 'discrepancy' as const,
      discrepancy: { date: key.date, kind: key.kind, tradeNo: key.tradeNo, item: null, resolution },
    })),
  ];
}
