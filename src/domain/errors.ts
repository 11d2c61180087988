import type { OrderStatus } from './order-status.ts';

/** A rule of the business was broken; `code` is closed and mapped exhaustively at the edges. */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  override readonly name = this.constructor.name;
}

export type DomainErrorCode =
  | 'INVALID_MONEY'
  | 'ILLEGAL_TRANSITION'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_NOT_PAYABLE'
  | 'PAYMENT_NEEDS_REVIEW'
  | 'TRADE_NO_CONFLICT'
  | 'REVIEW_NOT_PENDING'
  | 'INVALID_REVIEW_NOTE'
  | 'DISCREPANCY_NOT_PENDING'
  | 'INVALID_OPERATOR_INPUT'
  | 'REFUND_NOT_ALLOWED';

export class InvalidMoney extends DomainError {
  readonly code = 'INVALID_MONEY';
  constructor(readonly input: string) {
    super(`not an amount of yuan with at most two decimals: ${JSON.stringify(input.slice(0, 40))}`);
  }
}

export class IllegalTransition extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION';
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`an order cannot move from status ${from} to ${to}`);
  }
}

export class OrderNotFound extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
  constructor(readonly orderId: string) {
    super(`no order ${orderId}`);
  }
}

/** Not an UNPAID Alipay order of ours, so there is nothing to pay. */
export class OrderNotPayable extends DomainError {
  readonly code = 'ORDER_NOT_PAYABLE';
  constructor(readonly orderId: string) {
    super(`order ${JSON.stringify(orderId.slice(0, 64))} is unknown, not UNPAID, or not paid by Alipay`);
  }
}

/** Why an authentic payment could not be applied to its order; staff must look at it. */
export const ReviewReason = {
  ORDER_CANCELED: 'ORDER_CANCELED',
  AMOUNT_MISMATCH: 'AMOUNT_MISMATCH',
  ALREADY_PAID: 'ALREADY_PAID',
  PAY_METHOD_MISMATCH: 'PAY_METHOD_MISMATCH',
} as const;
export type ReviewReason = (typeof ReviewReason)[keyof typeof ReviewReason];

/** Thrown after the payment was recorded: the money arrived, but the order was left as it was. */
export class PaymentNeedsReview extends DomainError {
  readonly code = 'PAYMENT_NEEDS_REVIEW';
  constructor(
    readonly orderId: string,
    readonly tradeNo: string,
    readonly reason: ReviewReason,
  ) {
    super(`payment ${tradeNo} for order ${orderId} needs review: ${reason}`);
  }
}

/** A trade_no we already hold under another order: impossible from Alipay, so a human must look. */
export class TradeNoConflict extends DomainError {
  readonly code = 'TRADE_NO_CONFLICT';
  constructor(
    readonly tradeNo: string,
    readonly orderId: string,
    readonly recordedOrderId: string,
  ) {
    super(`trade ${tradeNo} arrived for order ${orderId} but is recorded for order ${recordedOrderId}`);
  }
}
