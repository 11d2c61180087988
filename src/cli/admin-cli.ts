import { userInfo } from 'node:os';
import process from 'node:process';
import { type AccountManager, ManageOperators, type OperatorListing } from '../application/manage-operators.ts';
import { buildContainer } from '../bootstrap/container.ts';
import { exitWith } from '../bootstrap/startup.ts';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { InvalidOperatorInput } from '../domain/operator.ts';
import { type AdminCommand, readAdminCommand } from './admin-command.ts';
import { wire, withSession } from './cli-session.ts';
import { exitRefused, isRefusal } from './refusal.ts';

/** `npm run admin -- add|list|passwd|disable`: the back office's named accounts. */
async function run(argv: string[]): Promise<void> {
  const command = readAdminCommand(argv);
  if (isRefusal(command)) exitRefused(command);
  // Read before the database is opened: a password piped in is never left waiting behind a slow start.
  const password = 'passwordFromStdin' in command && command.passwordFromStdin ? await passwordFromStdin() : null;
  await withSession(async (session) => {
    const operators = buildContainer(wire(session, null)).get(ManageOperators);
    try {
      console.log(await perform(operators, command, password));
    } catch (error) {
      if (error instanceof InvalidOperatorInput) exitRefused({ refusal: `admin: ${error.message}` });
      throw error;
    }
  });
}

async function perform(operators: ManageOperators, command: AdminCommand, password: string | null): Promise<string> {
  const by = manager();
  switch (command.name) {
    case 'add': {
      const { generatedPassword } = await operators.add(command.account, command.role, password, by);
      return [`admin: added ${command.account} (${command.role})`, ...shownOnce(generatedPassword)].join('\n');
    }
    case 'passwd': {
      const { generatedPassword } = await operators.changePassword(command.account, password, by);
      return [`admin: new password for ${command.account}; their browser sessions are signed out`, ...shownOnce(generatedPassword)].join(
        '\n',
      );
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

/** The audit trail's operator for a change made at the command line: the machine's user who ran it. */
function manager(): AccountManager {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid: the audit row still says it came from the command line.
  }
  return { actor: `cli:${user}`, remoteAddress: 'command line' };
}

async function passwordFromStdin(): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of process.stdin) chunks.push(String(chunk));
  // One line: the newline that echo or a heredoc adds is not part of the password.
  return chunks.join('').replace(/\r?\n$/, '');
}

function table(accounts: readonly OperatorListing[]): string {
  const rows = accounts.map((account) => [
    account.name,
    account.role,
    account.state,
    account.source === 'configuration' ? 'ADMIN_USER' : account.createdAt ? beijingTimestamp(account.createdAt) : '',
  ]);
  const all = [['NAME', 'ROLE', 'STATE', 'CREATED (Beijing)'], ...rows];
  const widths = all[0]!.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
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

run(process.argv.slice(2)).catch(exitWith);
