import process from 'node:process';
import { loadConfig } from './infrastructure/config.ts';
import { openDatabase } from './infrastructure/persistence/database.ts';
import { migrate } from './infrastructure/persistence/migrations.ts';
import { databaseTarget, exitWith } from './startup.ts';

/** `npm run migrate`: brings the configured database's schema up to date, then exits. */
async function run(): Promise<void> {
  const database = openDatabase(databaseTarget(loadConfig(process.env)));
  try {
    const applied = await migrate(database.knex);
    console.log(applied.length ? `${database.description}: applied ${applied.join(', ')}` : `${database.description}: already up to date`);
  } finally {
    await database.close();
  }
}

run().catch(exitWith);
