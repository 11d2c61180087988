import type { Money } from '../../domain/money.ts';

/** Alipay's cashier for a desktop browser (page pay) or for a phone's (wap pay). */
export type PayChannel = 'page' | 'wap';

export interface PayRequest {
  readonly orderId: string;
  readonly amount: Money;
  readonly subject: string;
  readonly channel: PayChannel;
}

export interface PaymentGateway {
  /** The signed URL that takes the shopper's browser to Alipay's cashier for this order, on that channel. */
  payUrl(request: PayRequest): string;
}
