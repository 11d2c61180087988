import { KnexUnitOfWork } from '../../src/infrastructure/persistence/knex-unit-of-work.ts';
import { ObjectionOrderRepository } from '../../src/infrastructure/persistence/objection-order-repository.ts';
import { ObjectionPaymentRepository } from '../../src/infrastructure/persistence/objection-payment-repository.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import type { PersistenceHarness } from '../support/persistence-harness.ts';
import { describeOrderRepositoryContract } from './order-repository.contract.ts';
import { describePaymentRepositoryContract } from './payment-repository.contract.ts';

// Each suite opens its own database on first use: PGlite in memory, PostgreSQL in a schema of its own.
function objectionOn(open: () => Promise<TestDatabase>, name: string): PersistenceHarness {
  let database: TestDatabase | undefined;
  return {
    name: `Objection on ${name}`,
    async create() {
      database ??= await open();
      await database.truncate();
      const { knex } = database;
      return { orders: new ObjectionOrderRepository(knex), payments: new ObjectionPaymentRepository(knex), unitOfWork: new KnexUnitOfWork(knex) };
    },
    async close() {
      await database?.close();
      database = undefined;
    },
  };
}

for (const db of databaseHarnesses) {
  describeOrderRepositoryContract(objectionOn(() => db.open(), db.name));
  describePaymentRepositoryContract(objectionOn(() => db.open(), db.name));
}
