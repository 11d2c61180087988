import process from 'node:process';
import { exitWith } from '../bootstrap/exit-with.ts';
import { openMigrated } from '../bootstrap/startup.ts';
import { loadConfig } from '../infrastructure/config.ts';

/** `npm run migrate`: brings the configured database's schema up to date, then exits. */
async function run(): Promise<void> {
  const { database, applied } = await openMigrated(loadConfig(process.env));
  try {
    console.log(applied.length ? `${database.description}: applied ${applied.join(', ')}` : `${database.description}: already up to date`);
  } finally {
    await database.close();
  }
}

run().catch(exitWith);
