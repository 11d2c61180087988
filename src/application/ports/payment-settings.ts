import type { StatusAfterPayment } from '../../domain/order-status.ts';

/** Who we are at Alipay, and what a confirmed payment does to an order. */
export interface PaymentSettings {
  readonly appId: string;
  /** Checked when configured. */
  readonly sellerId: string | null;
  readonly statusAfterPayment: StatusAfterPayment;
}
