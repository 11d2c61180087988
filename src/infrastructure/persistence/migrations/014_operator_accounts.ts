import type { Migration } from './migration.ts';

// Named back-office accounts (passwords only as scrypt hashes) and their browser sessions (only a digest of each token).
export default {
  async up(knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_admin_account (
        name varchar(32) PRIMARY KEY,
        role varchar(16) NOT NULL CHECK (role IN ('operator', 'viewer')),
        password_hash varchar(200) NOT NULL,
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL,
        disabled_at timestamptz
      )`);
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_admin_session (
        token_digest char(64) PRIMARY KEY,
        name varchar(32) NOT NULL,
        create_time timestamptz NOT NULL,
        last_seen timestamptz NOT NULL
      )`);
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_admin_session_name ON tb_admin_session (name)');
  },
  async down(knex) {
    await knex.raw('DROP TABLE IF EXISTS tb_admin_session');
    await knex.raw('DROP TABLE IF EXISTS tb_admin_account');
  },
} satisfies Migration;
