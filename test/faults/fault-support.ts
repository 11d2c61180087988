import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { APP_ID, SELLER_ID, type TestAlipay } from '../support/alipay-signer.ts';
import { serviceCommand } from '../support/service-command.ts';
import { testTempDir } from '../support/temp-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = process.env.PG_THROWAWAY_DIR;
const bin = process.env.PG_THROWAWAY_BIN;
// Only scripts/test-faults.sh sets MEIDUO_FAULTS: these tests stop and freeze the cluster they are given,
// which must never be one that other suites share.
export const faultsUnavailable =
  process.env.MEIDUO_FAULTS === '1' && dir && bin && process.env.DATABASE_URL && !('Deno' in globalThis)
    ? false
    : 'run through npm run test:faults (Node), which owns a PostgreSQL cluster';

const pgCtl = (...args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', `${bin}/pg_ctl`, '-D', `${dir}/data`, ...args], { stdio: 'ignore' });
const port = () => new URL(process.env.DATABASE_URL!).port;

export const postgres = {
  stop: () => pgCtl('-m', 'immediate', '-w', 'stop'),
  start: () =>
    pgCtl(
      '-l',
      `${dir}/log`,
      '-w',
      '-o',
      `-p ${port()} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off`,
      'start',
    ),
  /** SIGSTOP to the postmaster and every backend: connections stay open and nothing answers. */
  freeze: () => signalAll('STOP'),
  thaw: () => signalAll('CONT'),
};

function signalAll(signal: 'STOP' | 'CONT'): void {
  const postmaster = readFileSync(`${dir}/data/postmaster.pid`, 'utf8').split('\n')[0]!.trim();
  let children: string[] = [];
  try {
    children = execFileSync('pgrep', ['-P', postmaster], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    // no backends yet
  }
  for (const pid of [postmaster, ...children]) process.kill(Number(pid), `SIG${signal}`);
}

export interface AppProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** The real server in a process of its own, on the faults cluster. */
export async function startAppProcess(alipay: TestAlipay, env: Record<string, string> = {}): Promise<AppProcess> {
  const keys = testTempDir('meiduo-faults-');
  let output = '';
  const child = spawn(process.execPath, serviceCommand('src/main.ts'), {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      ALIPAY_APP_ID: APP_ID,
      ALIPAY_SELLER_ID: SELLER_ID,
      ALIPAY_PUBLIC_KEY: alipay.publicKeyPem,
      ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do',
      APP_PRIVATE_KEY_FILE: join(keys, 'app_private_key.pem'),
      // No internet here: the daily reconciliation would only add a failing call to Alipay to every fault.
      RECONCILE_AT: 'off',
      ...env,
    },
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 300; i++) {
    const url = /"url":"(http:\/\/[^"]+)","publicUrl"/.exec(output)?.[1];
    if (url) {
      return {
        url,
        child,
        output: () => output,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the app did not start:\n${output}`);
}

export async function get(url: string): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(url);
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
}

export async function post(url: string, body: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; text/html; charset=UTF-8' },
  });
  return { status: response.status, body: await response.text() };
}
