import type { Migration } from './migration.ts';

// Refused callbacks in two rings, verified and not: forgeries turn only their own (knex-rejection-log.ts).
export default {
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
} satisfies Migration;
