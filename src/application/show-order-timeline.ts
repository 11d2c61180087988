import { inject, injectable } from 'inversify';
import type { OrderSnapshot } from '../domain/order.ts';
import { InvalidQuery } from './errors.ts';
import type { OrderRepository } from './ports/order-repository.ts';
import type { PaymentEventKind, PaymentEventLog } from './ports/payment-events.ts';
import type { PaymentLedger, PaymentRecord } from './ports/payment-ledger.ts';
import type { RejectionLog, RejectionRecord } from './ports/rejection-log.ts';
import { TOKENS } from './tokens.ts';

const ORDER_ID = /^[0-9A-Za-z_-]{1,64}$/;
/** Whether `id` has the shape of an order id this service takes: 1 to 64 of [0-9A-Za-z_-]. */
export const isOrderId = (id: string): boolean => ORDER_ID.test(id);
/** The most entries one timeline shows: the newest ones. */
export const TIMELINE_LIMIT = 200;

/** One thing that happened to the order; an event's `text` is its summary (for a query, Alipay's answer). */
export type TimelineEntry =
  | { readonly at: Date; readonly kind: PaymentEventKind; readonly text: string }
  | { readonly at: Date; readonly kind: 'payment'; readonly payment: PaymentRecord }
  | { readonly at: Date; readonly kind: 'rejection'; readonly rejection: RejectionRecord };

export interface OrderTimeline {
  readonly orderId: string;
  /** null when tb_order_info has no such row, though payments or events name it. */
  readonly order: OrderSnapshot | null;
  /** Oldest first: the newest TIMELINE_LIMIT of everything known about the order. */
  readonly entries: readonly TimelineEntry[];
  /** Older entries exist and were left out. */
  readonly cut: boolean;
}

/** Everything known about one order's payment, from every record that keeps a part of it, in time order. */
@injectable()
export class ShowOrderTimeline {
  constructor(
    @inject(TOKENS.OrderRepository) private readonly orders: OrderRepository,
    @inject(TOKENS.PaymentLedger) private readonly ledger: PaymentLedger,
    @inject(TOKENS.RejectionLog) private readonly rejections: RejectionLog,
    @inject(TOKENS.PaymentEventLog) private readonly events: PaymentEventLog,
  ) {}

  /** null when nothing at all is known about `orderId`. @throws InvalidQuery | StoreUnavailable */
  async execute(orderId: string): Promise<OrderTimeline | null> {
    if (!isOrderId(orderId)) throw new InvalidQuery('order_id', 'the order id must be 1 to 64 of [0-9A-Za-z_-]');
    // One more than shown from each record: the newest TIMELINE_LIMIT overall are all among them,
    // and anything beyond says the timeline was cut.
    const fetch = TIMELINE_LIMIT + 1;
    const [order, payments, rejections, events] = await Promise.all([
      this.orders.findById(orderId),
      this.ledger.forOrder(orderId, fetch),
      this.rejections.forOrder(orderId, fetch),
      this.events.listFor(orderId, fetch),
    ]);
    const merged: TimelineEntry[] = [
      ...events.map((event) => ({ at: event.at, kind: event.kind, text: event.summary })),
      ...rejections.map((rejection) => ({ at: rejection.at, kind: 'rejection' as const, rejection })),
      ...payments.map((payment) => ({ at: payment.receivedAt, kind: 'payment' as const, payment })),
    ];
    if (order === null && merged.length === 0) return null;
    // A stable sort: at the same instant, events come before rejections, and both before payments.
    merged.sort((a, b) => a.at.getTime() - b.at.getTime());
    return {
      orderId,
      order: order?.toSnapshot() ?? null,
      entries: merged.slice(Math.max(0, merged.length - TIMELINE_LIMIT)),
      cut: merged.length > TIMELINE_LIMIT,
    };
  }
}
