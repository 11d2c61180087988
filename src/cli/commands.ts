import type { Command } from './command.ts';
import { runMigrate } from './run-migrate.ts';
import { runOrders } from './run-orders.ts';
import { runPayments } from './run-payments.ts';
import { runReconcile } from './run-reconcile.ts';

/**
 * Every CLI by its npm script's name. A new one is a `CommandRun` (src/cli/command.ts) in a file of its own,
 * one line here, and an entry file `src/cli/NAME-cli.ts` holding `void runCommandLine('NAME')`:
 * it then runs in a process of its own and, on PGlite, inside the running server, unchanged.
 */
const REGISTERED = {
  migrate: { run: runMigrate },
  orders: { run: runOrders },
  payments: { run: runPayments },
  reconcile: { run: runReconcile },
} satisfies Record<string, Command>;

export type CommandName = keyof typeof REGISTERED;
export const COMMANDS: Readonly<Record<CommandName, Command>> = REGISTERED;

export const isCommandName = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);
