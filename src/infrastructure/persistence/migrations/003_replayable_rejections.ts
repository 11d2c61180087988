import type { Migration } from './migration.ts';

// Refused callbacks are kept whole so that they can be replayed once a configuration fix makes them
// verify: the bytes as received (old rows get none, and are not replayable), what the signature
// doctor found, and what the last replay came to.
export default {
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
} satisfies Migration;
