import type { Migration } from './migration.ts';

// A refusal Alipay signed is kept once: a captured message replayed a million times is one row, not a
// flood that evicts the others from the verified ring (knex-rejection-log.ts).
export default {
  async up(knex) {
    await knex.raw('ALTER TABLE tb_payment_rejection ADD COLUMN IF NOT EXISTS raw_digest bytea');
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_payment_rejection_digest_idx ON tb_payment_rejection (raw_digest) WHERE slot >= 0');
  },
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS tb_payment_rejection_digest_idx');
    await knex.raw('ALTER TABLE tb_payment_rejection DROP COLUMN IF EXISTS raw_digest');
  },
} satisfies Migration;
