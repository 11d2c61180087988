import type { TransactionRepositories, UnitOfWork } from '../../application/ports/unit-of-work.ts';
import { InMemoryOrderRepository } from './in-memory-order-repository.ts';
import { InMemoryPaymentRepository } from './in-memory-payment-repository.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/** Runs units one at a time (as if every row were locked) and rolls the store back when one throws. */
export class InMemoryUnitOfWork implements UnitOfWork {
  constructor(private readonly store: InMemoryStore) {}

  run<T>(work: (repositories: TransactionRepositories) => Promise<T>): Promise<T> {
    const result = this.store.lockQueue.then(async () => {
      const before = this.store.copy();
      try {
        return await work({ orders: new InMemoryOrderRepository(this.store), payments: new InMemoryPaymentRepository(this.store) });
      } catch (error) {
        this.store.restore(before);
        throw error;
      }
    });
    this.store.lockQueue = result.catch(() => undefined);
    return result;
  }
}
