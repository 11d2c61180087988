import type { OrderSnapshot } from '../../domain/order.ts';
import type { PaymentSnapshot } from '../../domain/payment.ts';

/** The tables, as plain snapshots, so that an aggregate changed after saving changes nothing here. */
export class InMemoryStore {
  orders = new Map<string, OrderSnapshot>();
  payments = new Map<string, PaymentSnapshot>();
  /** The tail of the units of work waiting for the store: like row locks, it belongs to the data. */
  lockQueue: Promise<unknown> = Promise.resolve();

  copy(): { orders: Map<string, OrderSnapshot>; payments: Map<string, PaymentSnapshot> } {
    return { orders: new Map(this.orders), payments: new Map(this.payments) };
  }

  restore(copy: { orders: Map<string, OrderSnapshot>; payments: Map<string, PaymentSnapshot> }): void {
    this.orders = copy.orders;
    this.payments = copy.payments;
  }
}
