import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { TransactionRepositories, UnitOfWork } from '../../application/ports/unit-of-work.ts';
import { inSqlTransaction } from './sql.ts';
import { SqlOrderRepository } from './sql-order-repository.ts';
import { SqlPaymentRepository } from './sql-payment-repository.ts';
import { guarded } from './store-errors.ts';
import { INFRA } from '../tokens.ts';

@injectable()
export class SqlUnitOfWork implements UnitOfWork {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  run<T>(work: (repositories: TransactionRepositories) => Promise<T>): Promise<T> {
    return guarded(() =>
      inSqlTransaction(this.knex, (sql) => work({ orders: new SqlOrderRepository(sql), payments: new SqlPaymentRepository(sql) })),
    );
  }
}
