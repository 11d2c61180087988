import type { Migration } from './migration.ts';

// Which configuration a replay examined a refused callback under: each is examined once per configuration.
export default {
  async up(knex) {
    await knex.raw('ALTER TABLE tb_payment_rejection ADD COLUMN IF NOT EXISTS replay_config varchar(64)');
  },
  async down(knex) {
    await knex.raw('ALTER TABLE tb_payment_rejection DROP COLUMN IF EXISTS replay_config');
  },
} satisfies Migration;
