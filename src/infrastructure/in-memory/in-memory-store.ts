import type { OrderSnapshot } from '../../domain/order.ts';
import type { PaymentSnapshot } from '../../domain/payment.ts';

/** The tables, as plain snapshots, so that an aggregate changed after saving changes nothing here. */
export class InMemoryStore {
  readonly orders = new Map<string, OrderSnapshot>();
  readonly payments = new Map<string, PaymentSnapshot>();
}
