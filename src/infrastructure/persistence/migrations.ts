import type { Knex } from 'knex';
import { buildIndexConcurrently, buildSearchIndexes, dropSearchIndexes } from './search-indexes.ts';

// Meiduo's own tables, created only where they do not exist yet, so that the service can sit on a
// Meiduo database. Every column of ours has a default: a row written by Meiduo's code stays valid.
// `config.transaction: false` runs a migration outside a transaction (knex reads it; its types omit it).
const MIGRATIONS: Record<string, Knex.Migration & { config?: { transaction: boolean } }> = {
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
  // The admin view reads newest first by (create_time, id), filters by state and date, and searches
  // order_id and trade_id by prefix: each has an index, so deep pages stay fast at millions of rows.
  '002_admin_indexes_and_rejections': {
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
  },
  // Refused callbacks are kept whole so that they can be replayed once a configuration fix makes them
  // verify: the bytes as received (old rows get none, and are not replayable), what the signature
  // doctor found, and what the last replay came to.
  '003_replayable_rejections': {
    async up(knex) {
      await knex.raw(`
        ALTER TABLE tb_payment_rejection
          ADD COLUMN IF NOT EXISTS raw bytea NOT NULL DEFAULT ''::bytea,
          ADD COLUMN IF NOT EXISTS diagnosis varchar(32),
          ADD COLUMN IF NOT EXISTS replayed_at timestamptz,
          ADD COLUMN IF NOT EXISTS replay_outcome varchar(16),
          ADD COLUMN IF NOT EXISTS replay_detail varchar(200)`);
    },
    async down(knex) {
      await knex.raw(`
        ALTER TABLE tb_payment_rejection
          DROP COLUMN IF EXISTS raw,
          DROP COLUMN IF EXISTS diagnosis,
          DROP COLUMN IF EXISTS replayed_at,
          DROP COLUMN IF EXISTS replay_outcome,
          DROP COLUMN IF EXISTS replay_detail`);
    },
  },
  // Asking Alipay about unpaid orders (alipay.trade.query): when each is next due, shared by every
  // process; what happened to each order that no other table keeps; and a payment's new source.
  // The partial index lets each process find the unpaid Alipay orders Meiduo placed, without a scan.
  '004_payment_queries': {
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
  },
  // 对账: one run per Beijing day, replaced whole on a re-run, and its items (up to a bill's rows and
  // more). Amounts are signed fen (refunds are negative). order_id sorts in "C" collation so that
  // every database pages in the same order. Items page by (bill_date, matched last, order_id, id),
  // with or without a kind filter, and are looked up by trade_no when a later day asks what was billed.
  '005_reconciliation': {
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
      await knex.raw(
        'CREATE INDEX IF NOT EXISTS tb_reconciliation_item_kind_idx ON tb_reconciliation_item (bill_date, kind, order_id, id)',
      );
      await knex.raw('CREATE INDEX IF NOT EXISTS tb_reconciliation_item_trade_idx ON tb_reconciliation_item (bill_date, trade_no)');
    },
    async down(knex) {
      await knex.raw('DROP TABLE IF EXISTS tb_reconciliation_item');
      await knex.raw('DROP TABLE IF EXISTS tb_reconciliation_run');
    },
  },
  // Work done once a day by one process of all those on the database (the daily 对账): a claim with a
  // lease, so that a process that dies mid-way leaves the day to another after the lease.
  '006_daily_claims': {
    async up(knex) {
      await knex.raw(`
        CREATE TABLE IF NOT EXISTS tb_daily_claim (
          job varchar(32) NOT NULL,
          day date NOT NULL,
          lease_until timestamptz NOT NULL,
          done boolean NOT NULL DEFAULT false,
          PRIMARY KEY (job, day)
        )`);
    },
    async down(knex) {
      await knex.raw('DROP TABLE IF EXISTS tb_daily_claim');
    },
  },
  // What staff did about each payment kept for review, and every admin write, audited: instant at any size.
  '007_admin_reviews': {
    async up(knex) {
      await knex.raw(`
        ALTER TABLE tb_payment
          ADD COLUMN IF NOT EXISTS resolved_at timestamptz,
          ADD COLUMN IF NOT EXISTS resolved_by varchar(64),
          ADD COLUMN IF NOT EXISTS resolution_note varchar(500)`);
      await knex.raw(`
        CREATE TABLE IF NOT EXISTS tb_admin_audit (
          id bigserial PRIMARY KEY,
          create_time timestamptz NOT NULL,
          actor varchar(64) NOT NULL,
          remote_address varchar(64) NOT NULL DEFAULT '',
          action varchar(32) NOT NULL,
          target varchar(200) NOT NULL,
          detail varchar(1000) NOT NULL DEFAULT ''
        )`);
    },
    async down(knex) {
      await knex.raw('DROP TABLE IF EXISTS tb_admin_audit');
      await knex.raw(
        'ALTER TABLE tb_payment DROP COLUMN IF EXISTS resolved_at, DROP COLUMN IF EXISTS resolved_by, DROP COLUMN IF EXISTS resolution_note',
      );
    },
  },
  // The admin's search by any part of an id: built while returns and notifies keep writing (search-indexes.ts).
  '008_admin_search_indexes': {
    config: { transaction: false },
    up: buildSearchIndexes,
    down: dropSearchIndexes,
  },
  // Which configuration a replay examined a refused callback under: each is examined once per configuration.
  '009_replay_configuration': {
    async up(knex) {
      await knex.raw('ALTER TABLE tb_payment_rejection ADD COLUMN IF NOT EXISTS replay_config varchar(64)');
    },
    async down(knex) {
      await knex.raw('ALTER TABLE tb_payment_rejection DROP COLUMN IF EXISTS replay_config');
    },
  },
  // Old payment events are deleted by age (PAYMENT_EVENT_RETENTION_DAYS): found by their time.
  '010_payment_event_age': {
    config: { transaction: false },
    up: (knex) => buildIndexConcurrently(knex, 'tb_payment_event_time_idx', 'tb_payment_event (create_time, id)'),
    async down(knex) {
      await knex.raw('DROP INDEX IF EXISTS tb_payment_event_time_idx');
    },
  },
  // Refused callbacks in two rings, verified and not: forgeries turn only their own (knex-rejection-log.ts).
  '011_rejection_rings': {
    async up(knex) {
      await knex.raw('CREATE SEQUENCE IF NOT EXISTS tb_payment_rejection_unverified_turn');
      await knex.raw('CREATE SEQUENCE IF NOT EXISTS tb_payment_rejection_verified_turn');
      // The verified ring goes on where the single ring was, so that it overwrites its oldest first.
      await knex.raw(
        `SELECT setval('tb_payment_rejection_verified_turn', (SELECT last_value FROM tb_payment_rejection_seq), (SELECT is_called FROM tb_payment_rejection_seq))`,
      );
    },
    async down(knex) {
      await knex.raw('DROP SEQUENCE IF EXISTS tb_payment_rejection_unverified_turn');
      await knex.raw('DROP SEQUENCE IF EXISTS tb_payment_rejection_verified_turn');
    },
  },
  // A day's bill while it is compared with our payments (knex-staged-bill.ts): loaded in batches and
  // compared in SQL, so that no process holds a day. Unlogged: after a crash the stage is simply redone.
  '012_reconciliation_stage': {
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
  },
  // A refusal Alipay signed is kept once: a captured message replayed a million times is one row, not a
  // flood that evicts the others from the verified ring (knex-rejection-log.ts).
  '013_rejection_digest': {
    async up(knex) {
      await knex.raw('ALTER TABLE tb_payment_rejection ADD COLUMN IF NOT EXISTS raw_digest bytea');
      await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_rejection_digest_idx ON tb_payment_rejection (raw_digest) WHERE slot >= 0');
    },
    async down(knex) {
      await knex.raw('DROP INDEX IF EXISTS tb_payment_rejection_digest_idx');
      await knex.raw('ALTER TABLE tb_payment_rejection DROP COLUMN IF EXISTS raw_digest');
    },
  },
};

/** Our migrations, up to and including `last` when given. */
const migrationsUpTo = (last?: string): Knex.MigrationSource<string> => ({
  getMigrations: async () => {
    const names = Object.keys(MIGRATIONS);
    return last === undefined ? names : names.slice(0, names.indexOf(last) + 1);
  },
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
});

/** Brings the schema up to date, or up to `last` (a test's earlier state); returns the names it applied. */
export async function migrate(knex: Knex, last?: string): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource: migrationsUpTo(last) })) as [number, string[]];
  return applied;
}
