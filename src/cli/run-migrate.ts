import type { CommandRun } from './command.ts';
import { refuse } from './refusal.ts';

/** `npm run migrate`: brings the configured database's schema up to date. */
export const runMigrate: CommandRun = async (argv, io, host) => {
  if (argv.length > 0) return refuse(io, { refusal: 'usage: npm run migrate' });
  return host.withStores(async ({ database, applied }) => {
    if (applied === undefined) {
      // The server runs the code it started with: migrations added since apply when it restarts.
      io.stdout(`${database}: migrated by the running server when it started; restart it to apply newer migrations`);
    } else {
      io.stdout(applied.length ? `${database}: applied ${applied.join(', ')}` : `${database}: already up to date`);
    }
    return 0;
  });
};
