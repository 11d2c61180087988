import type { Migration } from './migration.ts';

// Work done once a day by one process of all those on the database (the daily 对账): a claim with a
// lease, so that a process that dies mid-way leaves the day to another after the lease.
export default {
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
} satisfies Migration;
