import type { Migration } from './migration.ts';

// A day's bill while it is compared with our payments (knex-staged-bill.ts): loaded in batches and
// compared in SQL, so that no process holds a day. Unlogged: after a crash the stage is simply redone.
export default {
  async up(knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_reconciliation_stage (
        id bigserial PRIMARY KEY,
        bill_date date NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now()
      )`);
    await knex.raw(`
      CREATE UNLOGGED TABLE IF NOT EXISTS tb_reconciliation_bill_row (
        stage_id bigint NOT NULL,
        line integer NOT NULL,
        kind varchar(6) NOT NULL,
        trade_no text NOT NULL,
        out_trade_no text NOT NULL,
        amount bigint NOT NULL,
        refund_batch_no text,
        outcome varchar(20),
        detail varchar(300),
        PRIMARY KEY (stage_id, line)
      )`);
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_reconciliation_bill_row_trade_idx ON tb_reconciliation_bill_row (stage_id, trade_no)');
  },
  async down(knex) {
    await knex.raw('DROP TABLE IF EXISTS tb_reconciliation_bill_row');
    await knex.raw('DROP TABLE IF EXISTS tb_reconciliation_stage');
  },
} satisfies Migration;
