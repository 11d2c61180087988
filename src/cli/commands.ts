import type { Command } from './command.ts';
import { runAdmin } from './run-admin.ts';
import { runMigrate } from './run-migrate.ts';
import { runOrders } from './run-orders.ts';
import { runPayments } from './run-payments.ts';
import { runReconcile } from './run-reconcile.ts';

/**
 * Every CLI by its npm script's name. A new one takes three small pieces, and then runs unchanged in a
 * process of its own and, beside a server on PGlite, inside that server:
 * - its work, a `CommandRun` (src/cli/command.ts) in a file of its own: it reads `argv` (refusing a bad
 *   one with `refuse(io, …)`, exit 2, before asking `host` for anything), does its work in
 *   `host.withStores` or `host.withAlipay`, writes only through `io`, and returns its exit code;
 * - one line here, such as `admin` below;
 * - an entry file `src/cli/NAME-cli.ts` holding `void runCommandLine('NAME');`, and the npm script
 *   `"NAME": "npm run build --silent && node dist/cli/NAME-cli.js"`.
 */
const REGISTERED = {
  admin: { run: runAdmin, readsStdin: (argv) => argv.includes('--password-stdin') },
  migrate: { run: runMigrate },
  orders: { run: runOrders },
  payments: { run: runPayments },
  reconcile: { run: runReconcile },
} satisfies Record<string, Command>;

export type CommandName = keyof typeof REGISTERED;
export const COMMANDS: Readonly<Record<CommandName, Command>> = REGISTERED;
