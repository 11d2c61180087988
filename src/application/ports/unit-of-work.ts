import type { OrderRepository } from './order-repository.ts';
import type { PaymentRepository } from './payment-repository.ts';

export interface TransactionRepositories {
  readonly orders: OrderRepository;
  readonly payments: PaymentRepository;
}

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: all of its writes commit together, or none do when it throws.
   * Row locks taken inside are held until it ends. @throws StoreUnavailable when the database is down
   */
  run<T>(work: (repositories: TransactionRepositories) => Promise<T>): Promise<T>;
}
