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
    const { database, applied } = await openMigrated(config);
    try {
      const container = storeContainer({ knex: database.knex, repositories: config.repositories });
      return await work({ container, database: database.description, applied });
    } finally {
      await database.close();
    }
  },
  withAlipay: (work) =>
    withSession((session) => withAlipay(session, (container) => work({ container, database: session.database.description }))),
};
