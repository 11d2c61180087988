import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { TransactionRepositories, UnitOfWork } from '../../application/ports/unit-of-work.ts';
import { ObjectionOrderRepository } from './objection-order-repository.ts';
import { ObjectionPaymentRepository } from './objection-payment-repository.ts';
import { guarded } from './store-errors.ts';
import { INFRA } from '../tokens.ts';

@injectable()
export class KnexUnitOfWork implements UnitOfWork {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  run<T>(work: (repositories: TransactionRepositories) => Promise<T>): Promise<T> {
    return guarded(() =>
      this.knex.transaction((trx) =>
        work({ orders: new ObjectionOrderRepository(trx), payments: new ObjectionPaymentRepository(trx) }),
      ),
    );
  }
}
