import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../throwaway-postgres.sh', import.meta.url));

/** DATABASE_URL when set; otherwise a throwaway PostgreSQL cluster that stop() removes. */
export function postgresForBench(): { url: string; stop(): void } {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: () => {} };
  console.error('DATABASE_URL is not set: starting a throwaway PostgreSQL cluster (scripts/throwaway-postgres.sh)');
  const exports = execFileSync('bash', [SCRIPT, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const url = /DATABASE_URL=(\S+)/.exec(exports)?.[1];
  const dir = /PG_THROWAWAY_DIR=(\S+)/.exec(exports)?.[1];
  if (!url || !dir) throw new Error(`throwaway-postgres.sh printed no DATABASE_URL: ${exports}`);
  return { url, stop: () => execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'inherit' }) };
}

export function percentile(sortedMs: readonly number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}

/** Times `run` `times` times in a row; returns p50 and p95 in milliseconds. */
export async function timeIt(times: number, run: (i: number) => Promise<void>): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

export function progress(message: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** SIGTERM, then SIGKILL if it is still running after `ms`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, ms = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/** Whether PostgreSQL's server binaries are where throwaway-postgres.sh looks for them (Debian's layout). */
export function postgresBinariesInstalled(): boolean {
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/initdb`));
}

/** A running process's peak resident set so far (VmHWM), in MB; null where there is no /proc. */
export function peakRssMb(pid: number): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}
