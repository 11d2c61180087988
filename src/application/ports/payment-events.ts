/**
 * What happened to one order's payment that no other record keeps: pay URLs issued, notifies
 * received, questions asked. Payments and refusals have records of their own.
 */
export type PaymentEventKind = 'pay_url' | 'notify' | 'query';

export interface PaymentEvent {
  readonly orderId: string;
  readonly at: Date;
  readonly kind: PaymentEventKind;
  /** One line for staff: Alipay's answer, what was done with it, or why it failed. */
  readonly summary: string;
}

export interface PaymentEventLog {
  append(event: PaymentEvent): Promise<void>;
  /** One order's newest `limit` events, oldest first. */
  listFor(orderId: string, limit: number): Promise<PaymentEvent[]>;
  /** Deletes up to `limit` events older than `before`, oldest first; how many it deleted. */
  prune(before: Date, limit: number): Promise<number>;
}
