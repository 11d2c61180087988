// The original Django view (../shared/baseline/seed-django, see its README.md), run by `npm run bench`
// beside ours: gunicorn on a schema of its own in the same PostgreSQL, given the bench's Alipay public key
// and UNPAID orders for the same pre-signed returns. Absent seed or Python packages: skipped, with the reason.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { progress, stopChild } from './support.ts';

const SEED = fileURLToPath(new URL('../../../shared/baseline/seed-django', import.meta.url));
const PYTHON = '/usr/bin/python3'; // the one apt's python3-django and gunicorn belong to
const SCHEMA = 'bench_seed';
const PORT = 18900;

export interface Target {
  url: string;
  /** gunicorn's master: its CPU and its workers' count. */
  pid: number;
}

/**
 * Starts the original view and hands it to `measure` with a source of unique returns; resolves to what
 * `measure` returned, or to the reason it was skipped. Stops gunicorn in all cases.
 */
export async function benchOriginal<L>(
  options: { postgresUrl: string; returns: readonly string[]; alipayPublicKey: string; appId: string; workers: string; dir: string },
  measure: (target: Target, next: () => Partial<autocannon.Request>) => Promise<L>,
): Promise<L | string> {
  if (!existsSync(join(SEED, 'manage.py'))) return skipped(`${SEED} is absent`);
  try {
    execFileSync(PYTHON, ['-c', 'import django, psycopg2, Cryptodome, gunicorn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const why = String((error as { stderr?: Buffer }).stderr ?? error)
      .trim()
      .split('\n')
      .pop();
    return skipped(`${why} (apt-get install -y python3-django python3-psycopg2 python3-pycryptodome gunicorn)`);
  }

  const keys = join(options.dir, 'seed-keys');
  mkdirSync(keys, { recursive: true });
  writeFileSync(join(keys, 'alipay_public_key.pem'), options.alipayPublicKey);
  // Never read on the verify path, but the seed's settings name it.
  writeFileSync(join(keys, 'app_private_key.pem'), '');
  const env = { ...process.env, ...libpqEnv(options.postgresUrl), KEYS_DIR: keys, ALIPAY_APP_ID: options.appId };

  const admin = openDatabase({ kind: 'postgres', url: options.postgresUrl });
  let gunicorn: ReturnType<typeof spawn> | undefined;
  try {
    progress(`original Django view: migrating schema ${SCHEMA}, loading ${options.returns.length.toLocaleString()} UNPAID Alipay orders`);
    await admin.knex.raw(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin.knex.raw(`CREATE SCHEMA ${SCHEMA}`);
    // Quiet unless it fails (its system check warns about DEFAULT_AUTO_FIELD); the error carries stderr.
    execFileSync(PYTHON, ['manage.py', 'migrate', '-v0'], { cwd: SEED, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const orders = options.returns.map((query) => new URLSearchParams(query));
    await admin.knex.raw(
      `INSERT INTO ${SCHEMA}.tb_order_info
         (order_id, total_amount, pay_method, status, user_id, address_id, total_count, freight, create_time, update_time)
       SELECT o, a, 2, 1, 1, 1, 1, 10, now(), now() FROM unnest(?::text[], ?::numeric[]) AS t(o, a)`,
      [orders.map((o) => o.get('out_trade_no')!), orders.map((o) => o.get('total_amount')!)],
    );

    progress(`original Django view: gunicorn with ${options.workers} sync worker(s) on port ${PORT}`);
    gunicorn = spawn(
      PYTHON,
      ['-m', 'gunicorn', '-w', options.workers, '-b', `127.0.0.1:${PORT}`, '--log-level', 'warning', 'seed.wsgi:application'],
      { cwd: SEED, env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const url = `http://127.0.0.1:${PORT}`;
    const answers = () =>
      fetch(`${url}/`).then(
        () => true,
        () => false,
      );
    for (let i = 0; !(await answers()); i++) {
      if (gunicorn.exitCode !== null || i > 100) throw new Error('gunicorn did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    let r = 0;
    return await measure({ url, pid: gunicorn.pid! }, () => {
      if (r >= options.returns.length) throw new Error(`ran out of the ${options.returns.length} pre-signed returns: raise --returns`);
      return { path: `/payment/status/?${options.returns[r++]}` };
    });
  } finally {
    if (gunicorn) await stopChild(gunicorn);
    await admin.close();
  }
}

function skipped(why: string): string {
  progress(`original Django view skipped: ${why}`);
  return why;
}

/** The seed's settings read libpq's variables; PGOPTIONS puts it in a schema of its own. */
function libpqEnv(postgresUrl: string): Record<string, string> {
  const url = new URL(postgresUrl);
  return {
    PGHOST: url.searchParams.get('host') ?? url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: decodeURIComponent(url.pathname.slice(1)),
    PGOPTIONS: `-c search_path=${SCHEMA}`,
    ...(url.searchParams.has('sslmode') ? { PGSSLMODE: url.searchParams.get('sslmode')! } : {}),
  };
}
