import type { ClaimedQuery, QueryQueue } from '../../application/ports/query-queue.ts';
import { Order } from '../../domain/order.ts';
import type { QuerySchedule } from '../../domain/query-schedule.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/** One process's queue: claims cannot race, so the contract holds trivially. */
export class InMemoryQueryQueue implements QueryQueue {
  constructor(private readonly store: InMemoryStore) {}

  async restart(orderId: string, at: Date, schedule: QuerySchedule): Promise<void> {
    if (!this.store.orders.has(orderId)) return;
    const firstDue = schedule.firstDue(at);
    const dueAt = this.store.queries.get(orderId)?.dueAt;
    this.store.queries.set(orderId, { anchor: at, dueAt: dueAt && dueAt < firstDue ? dueAt : firstDue });
  }

  async discover(placedAfter: Date, now: Date, schedule: QuerySchedule): Promise<number> {
    let queued = 0;
    for (const [orderId, placedAt] of this.store.orderPlacedAt) {
      const entry = this.store.queries.get(orderId);
      if (!this.awaitsPayment(orderId)) {
        if (entry?.dueAt && entry.dueAt <= now) entry.dueAt = null;
      } else if (!entry && placedAt > placedAfter && placedAt <= now) {
        this.store.queries.set(orderId, { anchor: placedAt, dueAt: schedule.firstDue(placedAt) });
        queued++;
      }
    }
    return queued;
  }

  async claimDue(now: Date, limit: number, schedule: QuerySchedule): Promise<ClaimedQuery[]> {
    const due = [...this.store.queries]
      .filter(([orderId, { dueAt }]) => dueAt !== null && dueAt <= now && this.awaitsPayment(orderId))
      .sort(([, a], [, b]) => a.dueAt!.getTime() - b.dueAt!.getTime())
      .slice(0, limit);
    return due.map(([orderId, entry]) => {
      entry.dueAt = schedule.nextAfter(entry.anchor, now);
      return { orderId, anchor: entry.anchor };
    });
  }

  async finish(orderId: string, _at: Date): Promise<void> {
    const entry = this.store.queries.get(orderId);
    if (entry) entry.dueAt = null;
  }

  private awaitsPayment(orderId: string): boolean {
    const snapshot = this.store.orders.get(orderId);
    return snapshot !== undefined && Order.rehydrate(snapshot).awaitsAlipayPayment();
  }
}
