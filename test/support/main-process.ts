import { type ChildProcess, spawn } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './clock.ts';
import { serviceCommand } from './service-command.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Settings a developer's shell may hold that would change what a first run does. */
const UNSET = {
  DATABASE_URL: '',
  ADMIN_PASSWORD: '',
  SHOP_URL: '',
  ALIPAY_GATEWAY: '',
  ALIPAY_PUBLIC_KEY: '',
  WEB_CONCURRENCY: '',
  NODE_ENV: '',
};

export interface MainProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code; null when a signal ended it (and under Deno for any child sent kill()). */
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** `npm start`: the service in a process of its own, from the repository's root, logging at info. */
export function startMain(env: Record<string, string>): MainProcess {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, serviceCommand('src/main.ts'), {
    cwd: root,
    env: { ...process.env, ...UNSET, PORT: '0', ...env, LOG_LEVEL: 'info' },
  });
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// A loaded 2-core machine has taken 11 s to start a fresh server (keys, PGlite, migrations).
export const START_TIMEOUT_MS = 90_000;

/** Whether the process ended by itself (true) or got as far as listening (false), whichever comes first. */
export async function exitsBeforeListening(run: MainProcess): Promise<boolean> {
  let exited = false;
  void run.exited.then(() => (exited = true));
  try {
    await waitFor(() => exited || run.stdout().includes('"listening"'), 'the process to exit or listen', START_TIMEOUT_MS);
  } catch (error) {
    await run.stop();
    throw error;
  }
  return exited;
}
