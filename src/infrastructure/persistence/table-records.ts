import type { ReviewReason } from '../../domain/errors.ts';
import { Money } from '../../domain/money.ts';
import { Order } from '../../domain/order.ts';
import type { OrderStatus, PayMethod } from '../../domain/order-status.ts';
import { Payment, type PaymentSource } from '../../domain/payment.ts';

// The columns both persistence adapters read and write; rows never leave infrastructure/persistence:
// repositories turn them into aggregates.

export const ORDER_COLUMNS = ['order_id', 'total_amount', 'pay_method', 'status', 'update_time'] as const;

export interface OrderRecord {
  readonly order_id: string;
  /** numeric(10,2) arrives as a string: never a float. */
  readonly total_amount: string;
  readonly pay_method: number;
  readonly status: number;
  readonly update_time: Date;
}

export interface PaymentRecord {
  readonly order_id: string;
  readonly trade_id: string | null;
  readonly amount: string | null;
  readonly source: PaymentSource;
  readonly state: 'applied' | 'needs_review';
  readonly review_reason: ReviewReason | null;
  readonly create_time: Date;
  readonly update_time: Date;
}

export function toOrder(row: OrderRecord | undefined): Order | null {
  if (!row) return null;
  return Order.rehydrate({
    id: row.order_id,
    total: Money.parse(row.total_amount),
    payMethod: row.pay_method as PayMethod,
    status: row.status as OrderStatus,
    updatedAt: row.update_time,
  });
}

export function toPayment(row: PaymentRecord | undefined): Payment | null {
  if (!row) return null;
  return Payment.rehydrate({
    orderId: row.order_id,
    tradeNo: row.trade_id!,
    amount: row.amount === null ? null : Money.parse(row.amount),
    source: row.source,
    receivedAt: row.create_time,
    reviewReason: row.state === 'applied' ? null : row.review_reason,
  });
}

export function paymentRecord(payment: Payment): PaymentRecord {
  const p = payment.toSnapshot();
  return {
    order_id: p.orderId,
    trade_id: p.tradeNo,
    amount: p.amount?.toString() ?? null,
    source: p.source,
    state: p.reviewReason === null ? 'applied' : 'needs_review',
    review_reason: p.reviewReason,
    create_time: p.receivedAt,
    update_time: p.receivedAt,
  };
}
