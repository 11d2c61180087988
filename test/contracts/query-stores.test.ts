import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryQueryQueue } from '../../src/infrastructure/in-memory/in-memory-query-queue.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { KnexQueryQueue } from '../../src/infrastructure/persistence/knex-query-queue.ts';
import { pooledSql } from '../../src/infrastructure/persistence/sql.ts';
import { SqlOrderRepository } from '../../src/infrastructure/persistence/sql-order-repository.ts';
import { SqlPaymentEventLog } from '../../src/infrastructure/persistence/sql-payment-event-log.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { describeQueryStoreContract } from './query-queue.contract.ts';

describeQueryStoreContract({
  name: 'in-memory',
  async create() {
    const store = new InMemoryStore();
    return { orders: new InMemoryOrderRepository(store), queue: new InMemoryQueryQueue(store), events: new InMemoryPaymentEventLog() };
  },
  async close() {},
});

for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describeQueryStoreContract({
    name: `knex on ${harness.name}`,
    async create() {
      db ??= await harness.open();
      await db.truncate();
      return {
        orders: new SqlOrderRepository(pooledSql(db.knex)),
        queue: new KnexQueryQueue(db.knex),
        events: new SqlPaymentEventLog(db.knex, pooledSql(db.knex)),
      };
    },
    async close() {
      await db?.close();
    },
  });
}
