import type { Migration } from './migration.ts';

export default {
  async up(knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_order_info (
        order_id varchar(64) PRIMARY KEY,
        user_id bigint,
        address_id bigint,
        total_count integer NOT NULL DEFAULT 1,
        total_amount numeric(10,2) NOT NULL,
        freight numeric(10,2) NOT NULL DEFAULT 0,
        pay_method smallint NOT NULL DEFAULT 1,
        status smallint NOT NULL DEFAULT 1,
        create_time timestamptz NOT NULL DEFAULT now(),
        update_time timestamptz NOT NULL DEFAULT now()
      )`);
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_payment (
        id bigserial PRIMARY KEY,
        create_time timestamptz NOT NULL DEFAULT now(),
        update_time timestamptz NOT NULL DEFAULT now(),
        order_id varchar(64) NOT NULL REFERENCES tb_order_info (order_id),
        trade_id varchar(100) UNIQUE
      )`);
    await knex.raw(`
      ALTER TABLE tb_payment
        ADD COLUMN IF NOT EXISTS amount numeric(10,2),
        ADD COLUMN IF NOT EXISTS source varchar(8) NOT NULL DEFAULT 'return'
          CHECK (source IN ('return', 'notify')),
        ADD COLUMN IF NOT EXISTS state varchar(16) NOT NULL DEFAULT 'applied'
          CHECK (state IN ('applied', 'needs_review')),
        ADD COLUMN IF NOT EXISTS review_reason varchar(32)`);
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_order_id_idx ON tb_payment (order_id)');
  },
  async down(knex) {
    await knex.raw('DROP TABLE IF EXISTS tb_payment');
    await knex.raw('DROP TABLE IF EXISTS tb_order_info');
  },
} satisfies Migration;
