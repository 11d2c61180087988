import type { Migration } from './migration.ts';

// What staff did about each payment kept for review, and every admin write, audited: instant at any size.
export default {
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
} satisfies Migration;
