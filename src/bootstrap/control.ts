import type { Container } from 'inversify';
import type { Logger } from 'pino';
import type { CommandHost, Opened } from '../cli/command.ts';
import { COMMANDS } from '../cli/commands.ts';
import { type ControlEndpoint, openControlEndpoint } from '../cli/control/control-endpoint.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Database } from '../infrastructure/persistence/database.ts';

/**
 * On PGlite, which one process only may open, the CLIs run inside the server through a local endpoint
 * (docs/decisions/0038); on PostgreSQL they open a connection of their own, and there is none.
 */
export function openControl(
  config: Config,
  logger: Logger,
  database: Database,
  container: Container,
): Promise<ControlEndpoint | undefined> {
  if (config.databaseUrl !== null) return Promise.resolve(undefined);
  const opened: Opened = { container, database: database.description };
  // The server's database and wiring, already open: in development its sandbox answers the queries.
  const host: CommandHost = { withStores: (work) => work(opened), withAlipay: (work) => work(opened) };
  return openControlEndpoint({ dataDir: config.dataDir, commands: COMMANDS, host, logger });
}
