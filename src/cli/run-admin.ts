import { ManageOperators, type OperatorListing } from '../application/manage-operators.ts';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { InvalidOperatorInput } from '../domain/operator.ts';
import { type AdminCommand, readAdminCommand } from './admin-command.ts';
import type { CommandRun } from './command.ts';
import { commandLineUser } from './command-line-user.ts';
import { isRefusal, refuse } from './refusal.ts';
import { textTable } from './text-table.ts';

/** `npm run admin -- add|list|passwd|disable`: the back office's named accounts. */
export const runAdmin: CommandRun = async (argv, io, host) => {
  const command = readAdminCommand(argv);
  if (isRefusal(command)) return refuse(io, command);
  // Read before the database is opened: a password piped in is never left waiting behind a slow start.
  const password = 'passwordFromStdin' in command && command.passwordFromStdin ? (await io.stdin()).replace(/\r?\n$/, '') : null;
  // The whole wiring, not the stores alone: the first operator's name (ADMIN_USER) comes with it.
  return host.withAlipay(async ({ container }) => {
    try {
      io.stdout(await perform(container.get(ManageOperators), command, password));
      return 0;
    } catch (error) {
      if (error instanceof InvalidOperatorInput) return refuse(io, { refusal: `admin: ${error.message}` });
      throw error;
    }
  });
};

async function perform(operators: ManageOperators, command: AdminCommand, password: string | null): Promise<string> {
  const by = commandLineUser();
  switch (command.name) {
    case 'add': {
      const { generatedPassword } = await operators.add(command.account, command.role, password, by);
      return [`admin: added ${command.account} (${command.role})`, ...shownOnce(generatedPassword)].join('\n');
    }
    case 'passwd': {
      const { generatedPassword } = await operators.changePassword(command.account, password, by);
      const done = `admin: new password for ${command.account}; their browser sessions are signed out`;
      return [done, ...shownOnce(generatedPassword)].join('\n');
    }
    case 'disable':
      await operators.disable(command.account, by);
      return `admin: disabled ${command.account}; their browser sessions are signed out`;
    case 'list': {
      const accounts = await operators.list();
      return command.json ? JSON.stringify(accounts.map(jsonOf)) : table(accounts);
    }
  }
}

const shownOnce = (password: string | null) => (password === null ? [] : [`password (shown only now): ${password}`]);

function table(accounts: readonly OperatorListing[]): string {
  const rows = accounts.map((account) => [
    account.name,
    account.role,
    account.state,
    account.source === 'configuration' ? 'ADMIN_USER' : account.createdAt ? beijingTimestamp(account.createdAt) : '',
  ]);
  return textTable([['NAME', 'ROLE', 'STATE', 'CREATED (Beijing)'], ...rows]).join('\n');
}

function jsonOf(account: OperatorListing) {
  return {
    name: account.name,
    role: account.role,
    state: account.state,
    source: account.source,
    created_at: account.createdAt?.toISOString() ?? null,
    disabled_at: account.disabledAt?.toISOString() ?? null,
  };
}
