import type { OrderRepository } from '../../application/ports/order-repository.ts';
import { Order } from '../../domain/order.ts';
import { UNIQUE_VIOLATION } from '../persistence/store-errors.ts';
import type { InMemoryStore } from './in-memory-store.ts';

export class InMemoryOrderRepository implements OrderRepository {
  constructor(private readonly store: InMemoryStore) {}

  async findById(id: string): Promise<Order | null> {
    const snapshot = this.store.orders.get(id);
    return snapshot ? Order.rehydrate(snapshot) : null;
  }

  async listAwaitingAlipayPayment(limit: number): Promise<Order[]> {
    return [...this.store.orders.values()]
      .map((snapshot) => Order.rehydrate(snapshot))
      .filter((order) => order.awaitsAlipayPayment())
      .reverse() // insertion order stands in for create_time
      .slice(0, limit);
  }

  async listRecent(limit: number): Promise<Order[]> {
    const placedAt = (id: string) => this.store.orderPlacedAt.get(id)!.getTime();
    return [...this.store.orders.values()]
      .sort((a, b) => placedAt(b.id) - placedAt(a.id) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit)
      .map((snapshot) => Order.rehydrate(snapshot));
  }

  async add(order: Order): Promise<void> {
    // Refused as the database refuses it, so that callers see one kind of error whichever store runs.
    if (this.store.orders.has(order.id)) throw Object.assign(new Error(`order ${order.id} already exists`), { code: UNIQUE_VIOLATION });
    const snapshot = order.toSnapshot();
    this.store.orders.set(order.id, snapshot);
    this.store.orderPlacedAt.set(order.id, snapshot.updatedAt);
  }
}
