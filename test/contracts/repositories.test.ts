import type { Knex } from 'knex';
import { ObjectionOrderRepository } from '../../src/infrastructure/persistence/objection-order-repository.ts';
import { ObjectionPaymentRepository } from '../../src/infrastructure/persistence/objection-payment-repository.ts';
import { pooledSql } from '../../src/infrastructure/persistence/sql.ts';
import { SqlOrderRepository } from '../../src/infrastructure/persistence/sql-order-repository.ts';
import { SqlPaymentRepository } from '../../src/infrastructure/persistence/sql-payment-repository.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import type { Persistence, PersistenceHarness } from '../support/persistence-harness.ts';
import { describeOrderRepositoryContract } from './order-repository.contract.ts';
import { describePaymentRepositoryContract } from './payment-repository.contract.ts';

const adapters: Record<string, (knex: Knex) => Persistence> = {
  Objection: (knex) => ({ orders: new ObjectionOrderRepository(knex), payments: new ObjectionPaymentRepository(knex) }),
  'Prepared SQL': (knex) => {
    const sql = pooledSql(knex);
    return { orders: new SqlOrderRepository(sql), payments: new SqlPaymentRepository(sql) };
  },
};

// Each suite opens its own database on first use: PGlite in memory, PostgreSQL in a schema of its own.
function harness(adapter: string, open: () => Promise<TestDatabase>, name: string): PersistenceHarness {
  let database: TestDatabase | undefined;
  return {
    name: `${adapter} on ${name}`,
    async create() {
      database ??= await open();
      await database.truncate();
      return adapters[adapter]!(database.knex);
    },
    async close() {
      await database?.close();
      database = undefined;
    },
  };
}

for (const adapter of Object.keys(adapters)) {
  for (const db of databaseHarnesses) {
    describeOrderRepositoryContract(harness(adapter, () => db.open(), db.name));
    describePaymentRepositoryContract(harness(adapter, () => db.open(), db.name));
  }
}
