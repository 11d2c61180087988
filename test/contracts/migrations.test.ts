import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';

const url = process.env.DATABASE_URL;

// A Meiduo database already full of payments: building the search indexes takes longer than any statement
// of the service may, and must neither fail for it nor stop returns and notifies from writing meanwhile.
describe('migrating a database that already holds payments, on PostgreSQL', { skip: url ? false : 'no DATABASE_URL' }, () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  let knex: Knex;
  before(async () => {
    // The service's own pool times statements out after seconds; 300 ms makes the index builds "slow" here.
    knex = knexFactory({
      client: 'pg',
      connection: url,
      searchPath: [schema],
      pool: { min: 1, max: 4, afterCreate: (connection: never, done: (error?: Error) => void) => setTimeoutTo(connection, done) },
    });
    await knex.raw(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    await knex.raw(`DROP SCHEMA ${schema} CASCADE`);
    await knex.destroy();
  });

  it('builds the trigram indexes outside the pool statement timeout, and they are valid', async () => {
    await migrate(knex, '007_admin_reviews');
    await knex.transaction(async (trx) => {
      await trx.raw('SET LOCAL statement_timeout = 0');
      await trx.raw(`INSERT INTO tb_order_info (order_id, total_amount) SELECT 'O' || g, 1 FROM generate_series(1, 200000) g`);
      await trx.raw(`INSERT INTO tb_payment (order_id, trade_id, amount) SELECT 'O' || g, 'T' || g, 1 FROM generate_series(1, 200000) g`);
    });
    assert.deepEqual(await migrate(knex, '008_admin_search_indexes'), ['008_admin_search_indexes']);
    const { rows } = await knex.raw(
      `SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relname LIKE 'tb_payment_%_trgm_idx' AND c.relnamespace = ?::regnamespace ORDER BY 1`,
      [schema],
    );
    assert.deepEqual(rows, [
      { relname: 'tb_payment_order_id_trgm_idx', indisvalid: true },
      { relname: 'tb_payment_trade_id_trgm_idx', indisvalid: true },
    ]);
  });
});

function setTimeoutTo(connection: { query: (sql: string, done: (error?: Error) => void) => void }, done: (error?: Error) => void): void {
  connection.query('SET statement_timeout = 300', done);
}
