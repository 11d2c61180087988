import type { Migration } from './migration.ts';

// 对账: one run per Beijing day, replaced whole on a re-run, and its items (up to a bill's rows and
// more). Amounts are signed fen (refunds are negative). order_id sorts in "C" collation so that
// every database pages in the same order. Items page by (bill_date, matched last, order_id, id),
// with or without a kind filter, and are looked up by trade_no when a later day asks what was billed.
export default {
  async up(knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_reconciliation_run (
        bill_date date PRIMARY KEY,
        finished_at timestamptz NOT NULL,
        counts jsonb NOT NULL,
        bill_totals jsonb,
        local_count integer NOT NULL,
        local_amount bigint NOT NULL,
        deferred integer NOT NULL DEFAULT 0,
        problems jsonb NOT NULL DEFAULT '[]'::jsonb
      )`);
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_reconciliation_item (
        id bigserial PRIMARY KEY,
        bill_date date NOT NULL,
        kind varchar(20) NOT NULL,
        order_id varchar(64) COLLATE "C" NOT NULL,
        trade_no varchar(64) NOT NULL,
        local_amount bigint,
        bill_amount bigint,
        detail varchar(300) NOT NULL DEFAULT ''
      )`);
    await knex.raw(
      `CREATE INDEX IF NOT EXISTS tb_reconciliation_item_page_idx ON tb_reconciliation_item (bill_date, (kind = 'matched'), order_id, id)`,
    );
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_reconciliation_item_kind_idx ON tb_reconciliation_item (bill_date, kind, order_id, id)');
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_reconciliation_item_trade_idx ON tb_reconciliation_item (bill_date, trade_no)');
  },
  async down(knex) {
    await knex.raw('DROP TABLE IF EXISTS tb_reconciliation_item');
    await knex.raw('DROP TABLE IF EXISTS tb_reconciliation_run');
  },
} satisfies Migration;
