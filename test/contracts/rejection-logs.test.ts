import { InMemoryRejectionLog } from '../../src/infrastructure/in-memory/in-memory-rejection-log.ts';
import { KnexRejectionLog } from '../../src/infrastructure/persistence/knex-rejection-log.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { describeRejectionLogContract } from './rejection-log.contract.ts';

describeRejectionLogContract({
  name: 'in-memory',
  create: async (retention) => new InMemoryRejectionLog(retention),
  close: async () => {},
});

for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describeRejectionLogContract({
    name: `knex on ${harness.name}`,
    async create(retention) {
      db ??= await harness.open();
      await db.knex.raw('TRUNCATE tb_payment_rejection');
      return new KnexRejectionLog(db.knex, retention);
    },
    async close() {
      await db?.close();
    },
  });
}
