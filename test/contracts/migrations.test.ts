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

// Two deployments of the service in two schemas of one database, started together: the extension is
// installed once, under a session lock, and each schema's indexes are built while the other waits.
describe('migrating two schemas of one PostgreSQL database at once', { skip: url ? false : 'no DATABASE_URL' }, () => {
  const schemas = [`test_${randomBytes(6).toString('hex')}`, `test_${randomBytes(6).toString('hex')}`];
  const lock = `hashtext('meiduo-payment: pg_trgm')`;
  let gate: Knex;
  let migrators: Knex[];
  before(async () => {
    gate = knexFactory({ client: 'pg', connection: url, pool: { min: 1, max: 1 } });
    migrators = schemas.map((schema) => knexFactory({ client: 'pg', connection: url, searchPath: [schema], pool: { min: 0, max: 2 } }));
    for (const schema of schemas) await gate.raw(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    for (const schema of schemas) await gate.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await Promise.all([gate, ...migrators].map((knex) => knex.destroy()));
  });

  it('migrates both, though each waited for the lock while the other built its indexes', async () => {
    // Held here until both migrations wait for it, so that one builds while the other is still waiting.
    await gate.raw(`SELECT pg_advisory_lock(${lock})`);
    const migrating = migrators.map((knex) => migrate(knex));
    for (let waiting = 0; waiting < 2; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { rows } = await gate.raw(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
      waiting = rows[0].n;
    }
    await gate.raw(`SELECT pg_advisory_unlock(${lock})`);
    const applied = await Promise.all(migrating);
    for (const names of applied) assert.ok(names.includes('008_admin_search_indexes'), names.join());
  });
});

function setTimeoutTo(connection: { query: (sql: string, done: (error?: Error) => void) => void }, done: (error?: Error) => void): void {
  connection.query('SET statement_timeout = 300', done);
}

// 017: the refund kinds are longer than kind's 20 characters, and the discrepancies' partial index must
// name them for knex-discrepancies.ts's queries to use it. Items of the old kind 'refund' stay as they were.
describe('migrating reconciliation to the refund kinds, on PostgreSQL', { skip: url ? false : 'no DATABASE_URL' }, () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  let knex: Knex;
  before(async () => {
    knex = knexFactory({ client: 'pg', connection: url, searchPath: [schema], pool: { min: 1, max: 2 } });
    await knex.raw(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    await knex.raw(`DROP SCHEMA ${schema} CASCADE`);
    await knex.destroy();
  });

  it('widens kind, keeps old refund items, and indexes the refund discrepancies', async () => {
    await migrate(knex, '016_refunds');
    await knex('tb_reconciliation_item').insert({
      bill_date: '2026-11-30',
      kind: 'refund',
      order_id: 'A',
      trade_no: 'TA',
      detail: '退款批次号 RB1',
    });
    assert.deepEqual(await migrate(knex, '017_refund_reconciliation'), ['017_refund_reconciliation']);
    const { rows: widths } = await knex.raw(
      `SELECT table_name, character_maximum_length AS width FROM information_schema.columns
       WHERE table_schema = ? AND column_name = 'kind' AND table_name IN ('tb_reconciliation_item', 'tb_reconciliation_resolution') ORDER BY 1`,
      [schema],
    );
    assert.deepEqual(widths, [
      { table_name: 'tb_reconciliation_item', width: 32 },
      { table_name: 'tb_reconciliation_resolution', width: 32 },
    ]);
    assert.deepEqual(await knex('tb_reconciliation_item').select('kind', 'refund_no', 'detail'), [
      { kind: 'refund', refund_no: null, detail: '退款批次号 RB1' },
    ]);
    const { rows: indexes } = await knex.raw(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND indexname = 'tb_reconciliation_item_discrepancy_idx'`,
      [schema],
    );
    assert.equal(indexes.length, 1);
    for (const kind of ['missing_in_bill', 'refund_amount_mismatch', 'refund_status_mismatch', 'refund_unknown', 'refund_missing_in_bill'])
      assert.ok(indexes[0].indexdef.includes(`'${kind}'`), kind);
    assert.ok(!indexes[0].indexdef.includes("'refund_matched'"));
  });
});
