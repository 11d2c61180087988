import type { Migration } from './migration.ts';

// The admin view reads newest first by (create_time, id), filters by state and date, and searches
// order_id and trade_id by prefix: each has an index, so deep pages stay fast at millions of rows.
export default {
  async up(knex) {
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_create_time_id_idx ON tb_payment (create_time DESC, id DESC)');
    await knex.raw(
      `CREATE INDEX IF NOT EXISTS tb_payment_review_idx ON tb_payment (create_time DESC, id DESC) WHERE state = 'needs_review'`,
    );
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_trade_id_prefix_idx ON tb_payment (trade_id varchar_pattern_ops)');
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_order_id_prefix_idx ON tb_payment (order_id varchar_pattern_ops)');
    // Rejected returns and notifies: a ring of fixed slots, so a flood overwrites the oldest rows
    // instead of growing the table.
    await knex.raw('CREATE SEQUENCE IF NOT EXISTS tb_payment_rejection_seq');
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_payment_rejection (
        slot integer PRIMARY KEY,
        seq bigint NOT NULL,
        create_time timestamptz NOT NULL DEFAULT now(),
        channel varchar(8) NOT NULL,
        reason varchar(32) NOT NULL,
        detail varchar(200) NOT NULL DEFAULT '',
        remote_address varchar(64) NOT NULL DEFAULT '',
        out_trade_no varchar(64),
        trade_no varchar(100),
        params text NOT NULL DEFAULT ''
      )`);
    await knex.raw('CREATE UNIQUE INDEX IF NOT EXISTS tb_payment_rejection_seq_idx ON tb_payment_rejection (seq DESC)');
    await knex.raw(
      'CREATE INDEX IF NOT EXISTS tb_payment_rejection_out_trade_no_idx ON tb_payment_rejection (out_trade_no varchar_pattern_ops)',
    );
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_rejection_trade_no_idx ON tb_payment_rejection (trade_no varchar_pattern_ops)');
  },
  async down(knex) {
    await knex.raw('DROP TABLE IF EXISTS tb_payment_rejection');
    await knex.raw('DROP SEQUENCE IF EXISTS tb_payment_rejection_seq');
    for (const index of ['create_time_id', 'review', 'trade_id_prefix', 'order_id_prefix'])
      await knex.raw(`DROP INDEX IF EXISTS tb_payment_${index}_idx`);
  },
} satisfies Migration;
