import { Buffer } from 'node:buffer';
import process from 'node:process';
import { ExitCode } from '../bootstrap/exit-codes.ts';
import { exitWith } from '../bootstrap/exit-with.ts';
import { loadConfig } from '../infrastructure/config.ts';
import { lockOwner } from '../infrastructure/persistence/lock-file.ts';
import type { CommandIo } from './command.ts';
import { COMMANDS, type CommandName } from './commands.ts';
import { runInServer } from './control/control-client.ts';
import { controlFileOf, readControlFile } from './control/control-file.ts';

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  },
};

/**
 * A CLI process's whole run: the command in this process, on a database of its own; or, when a live server
 * holds the PGlite directory, inside that server (docs/decisions/0038). Either way the same output and exit code.
 */
export async function runCommandLine(name: CommandName): Promise<void> {
  const argv = process.argv.slice(2);
  try {
    const holder = serverHolding();
    process.exitCode = holder === null ? await runHere(name, argv) : await runBeside(holder, name, argv);
  } catch (error) {
    exitWith(error);
  }
}

/** In this process, on a database of its own; what opens it (PGlite, knex, Koa) is loaded only then, so a CLI beside the server starts sooner. */
async function runHere(name: CommandName, argv: readonly string[]): Promise<number> {
  const { localHost } = await import('./local-host.ts');
  return COMMANDS[name].run(argv, processIo, localHost);
}

interface Holder {
  readonly dataDir: string;
  readonly pid: number;
}

/** The live process holding the configured PGlite directory; null on PostgreSQL, which takes any number. */
function serverHolding(): Holder | null {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch {
    return null; // the command says what is wrong with the configuration once it needs it
  }
  if (config.databaseUrl !== null) return null;
  const pid = lockOwner(config.dataDir);
  return pid === null ? null : { dataDir: config.dataDir, pid };
}

async function runBeside({ dataDir, pid }: Holder, name: CommandName, argv: readonly string[]): Promise<number> {
  const control = readControlFile(dataDir);
  if (control?.pid !== pid) {
    processIo.stderr(
      `${name}: ${dataDir} is in use by process ${pid}, which takes no commands now (${controlFileOf(dataDir)} ${control ? 'is another process’s' : 'is missing'}): another command (wait for it to end), a server still starting (run this again once it listens) or one of an older version (restart it)`,
    );
    return ExitCode.CONFIGURATION;
  }
  processIo.stderr(`${name}: running inside the server (process ${pid}) that holds ${dataDir}, on its configuration`);
  const stdin = COMMANDS[name].readsStdin?.(argv) ? await processIo.stdin() : null;
  return runInServer(control, { command: name, argv, stdin }, processIo).catch((error: Error) => {
    processIo.stderr(
      `${name}: cannot reach the server’s control endpoint at 127.0.0.1:${control.port} (${error.message}); if process ${pid} is stopping, run this again once it has`,
    );
    return ExitCode.FAILURE;
  });
}
