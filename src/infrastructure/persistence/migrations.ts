import type { Knex } from 'knex';
import m001 from './migrations/001_meiduo_tables.ts';
import m002 from './migrations/002_admin_indexes_and_rejections.ts';
import m003 from './migrations/003_replayable_rejections.ts';
import m004 from './migrations/004_payment_queries.ts';
import m005 from './migrations/005_reconciliation.ts';
import m006 from './migrations/006_daily_claims.ts';
import m007 from './migrations/007_admin_reviews.ts';
import m008 from './migrations/008_admin_search_indexes.ts';
import m009 from './migrations/009_replay_configuration.ts';
import m010 from './migrations/010_payment_event_age.ts';
import m011 from './migrations/011_rejection_rings.ts';
import m012 from './migrations/012_reconciliation_stage.ts';
import m013 from './migrations/013_rejection_digest.ts';
import m014 from './migrations/014_operator_accounts.ts';
import m015 from './migrations/015_discrepancy_follow_up.ts';
import m016 from './migrations/016_refunds.ts';
import m017 from './migrations/017_refund_reconciliation.ts';
import type { Migration } from './migrations/migration.ts';

// Meiduo's own tables, created only where they do not exist yet, so that the service can sit on a
// Meiduo database. Every column of ours has a default: a row written by Meiduo's code stays valid.
// One file per step in migrations/, applied in this order; a new step is added at the end, never edited in.
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001_meiduo_tables': m001,
  '002_admin_indexes_and_rejections': m002,
  '003_replayable_rejections': m003,
  '004_payment_queries': m004,
  '005_reconciliation': m005,
  '006_daily_claims': m006,
  '007_admin_reviews': m007,
  '008_admin_search_indexes': m008,
  '009_replay_configuration': m009,
  '010_payment_event_age': m010,
  '011_rejection_rings': m011,
  '012_reconciliation_stage': m012,
  '013_rejection_digest': m013,
  '014_operator_accounts': m014,
  '015_discrepancy_follow_up': m015,
  '016_refunds': m016,
  '017_refund_reconciliation': m017,
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
