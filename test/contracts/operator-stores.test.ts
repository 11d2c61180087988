import { InMemoryAdminSessions } from '../../src/infrastructure/in-memory/in-memory-admin-sessions.ts';
import { InMemoryOperatorAccounts } from '../../src/infrastructure/in-memory/in-memory-operator-accounts.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { KnexAdminSessions } from '../../src/infrastructure/persistence/knex-admin-sessions.ts';
import { KnexOperatorAccounts } from '../../src/infrastructure/persistence/knex-operator-accounts.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { describeOperatorStoresContract } from './operator-stores.contract.ts';

describeOperatorStoresContract({
  name: 'in-memory',
  async create() {
    return { accounts: new InMemoryOperatorAccounts(new InMemoryStore()), sessions: new InMemoryAdminSessions() };
  },
  async close() {},
});

for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describeOperatorStoresContract({
    name: `knex on ${harness.name}`,
    async create() {
      db ??= await harness.open();
      await db.truncate();
      return { accounts: new KnexOperatorAccounts(db.knex), sessions: new KnexAdminSessions(db.knex) };
    },
    async storedSessionKeys() {
      const rows: Array<{ token_digest: string }> = await db!.knex('tb_admin_session').select('token_digest');
      return rows.map((row) => row.token_digest);
    },
    async close() {
      await db?.close();
    },
  });
}
