import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryRejectionLog } from '../../src/infrastructure/in-memory/in-memory-rejection-log.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { KnexRejectionLog } from '../../src/infrastructure/persistence/knex-rejection-log.ts';
import { pooledSql } from '../../src/infrastructure/persistence/sql.ts';
import { SqlOrderRepository } from '../../src/infrastructure/persistence/sql-order-repository.ts';
import { fixedClock, TEST_NOW } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { describeRejectionLogContract } from './rejection-log.contract.ts';

describeRejectionLogContract({
  name: 'in-memory',
  async create(retention, clock) {
    const store = new InMemoryStore();
    return { log: new InMemoryRejectionLog(retention, clock, store), orders: new InMemoryOrderRepository(store) };
  },
  close: async () => {},
});

for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describeRejectionLogContract({
    name: `knex on ${harness.name}`,
    async create(retention, clock) {
      db ??= await harness.open();
      await db.truncate();
      await db.knex.raw('TRUNCATE tb_payment_rejection');
      return {
        log: new KnexRejectionLog(db.knex, retention, clock, pino({ level: 'silent' })),
        orders: new SqlOrderRepository(pooledSql(db.knex)),
      };
    },
    async close() {
      await db?.close();
    },
  });
}

describe('KnexRejectionLog on a database that refuses the row', () => {
  it('logs the lost rejection at error level with the error, and still resolves', async () => {
    const database = openDatabase({ kind: 'pglite', dataDir: null }); // never migrated: there is no table to write to
    const lines: Array<{ level: number; msg: string; err?: { message: string } }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    try {
      const log = new KnexRejectionLog(database.knex, { maxRows: 10, maxAgeDays: 30 }, fixedClock(), logger);
      await log.record({
        at: TEST_NOW,
        channel: 'notify',
        reason: 'INVALID_SIGNATURE',
        detail: 'invalid signature: does not verify',
        remoteAddress: '203.0.113.7',
        outTradeNo: null,
        tradeNo: null,
        params: '{}',
        raw: new Uint8Array(0),
        diagnosis: null,
      });
      assert.equal(lines.length, 1);
      assert.equal(lines[0]!.level, 50, 'error');
      assert.match(lines[0]!.err?.message ?? '', /tb_payment_rejection/);
    } finally {
      await database.close();
    }
  });
});
