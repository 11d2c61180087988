import type { Money } from '../../domain/money.ts';

export interface PagePayRequest {
  readonly orderId: string;
  readonly amount: Money;
  readonly subject: string;
}

export interface PaymentGateway {
  /** The signed URL that takes the shopper's browser to Alipay's cashier for this order. */
  pagePayUrl(request: PagePayRequest): string;
}
