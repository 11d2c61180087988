import process from 'node:process';
import { storeContainer } from '../bootstrap/container.ts';
import { openMigrated } from '../bootstrap/startup.ts';
import { loadConfig } from '../infrastructure/config.ts';
import { withAlipay, withSession } from './cli-session.ts';
import type { CommandHost } from './command.ts';

/** A command in a process of its own: it opens the configured database for its work, and closes it after. */
export const localHost: CommandHost = {
  async withStores(work) {
    const config = loadConfig(process.env);
    const { database } = await openMigrated(config);
    try {
      return await work({
        container: storeContainer({ knex: database.knex, repositories: config.repositories }),
        database: database.description,
      });
    } finally {
      await database.close();
    }
  },
  withAlipay: (work) =>
    withSession((session) => withAlipay(session, (container) => work({ container, database: session.database.description }))),
};
