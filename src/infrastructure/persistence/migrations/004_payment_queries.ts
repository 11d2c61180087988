import type { Migration } from './migration.ts';

// Asking Alipay about unpaid orders (alipay.trade.query): when each is next due, shared by every
// process; what happened to each order that no other table keeps; and a payment's new source.
// The partial index lets each process find the unpaid Alipay orders Meiduo placed, without a scan.
export default {
  async up(knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_payment_query (
        order_id varchar(64) PRIMARY KEY,
        anchor timestamptz NOT NULL,
        due_at timestamptz,
        update_time timestamptz NOT NULL DEFAULT now()
      )`);
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_query_due_idx ON tb_payment_query (due_at) WHERE due_at IS NOT NULL');
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_payment_event (
        id bigserial PRIMARY KEY,
        order_id varchar(64) NOT NULL,
        create_time timestamptz NOT NULL,
        kind varchar(16) NOT NULL,
        summary varchar(300) NOT NULL
      )`);
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_event_order_idx ON tb_payment_event (order_id, create_time DESC, id DESC)');
    await knex.raw(
      'CREATE INDEX IF NOT EXISTS tb_order_info_unpaid_alipay_idx ON tb_order_info (create_time) WHERE status = 1 AND pay_method = 2',
    );
    await knex.raw(`
      ALTER TABLE tb_payment
        DROP CONSTRAINT IF EXISTS tb_payment_source_check,
        ADD CONSTRAINT tb_payment_source_check CHECK (source IN ('return', 'notify', 'query'))`);
  },
  async down(knex) {
    await knex.raw('DROP TABLE IF EXISTS tb_payment_query');
    await knex.raw('DROP TABLE IF EXISTS tb_payment_event');
    await knex.raw('DROP INDEX IF EXISTS tb_order_info_unpaid_alipay_idx');
  },
} satisfies Migration;
