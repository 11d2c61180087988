import type { Knex } from 'knex';

// Meiduo's own tables, created only where they do not exist yet, so that the service can sit on a
// Meiduo database. Every column of ours has a default: a row written by Meiduo's code stays valid.
const MIGRATIONS: Record<string, Knex.Migration> = {
  '001_meiduo_tables': {
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
  },
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};

/** Brings the schema up to date; returns the names it applied. */
export async function migrate(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
