// npm run bench:reconcile [-- --rows 100000 --postgres --cpu-prof DIR --keep]
// (--keep keeps the temporary directory, and with DATABASE_URL the schema; --cpu-prof profiles the CLI)
// How long `npm run reconcile` takes for a day whose Alipay bill has --rows rows, end to end through
// the real CLI (`node dist/cli/reconcile-cli.js --date D --json`, as `npm run reconcile` runs it). The day is seeded with
// set-based SQL: paid Alipay orders and their payments, the sandbox's own trades for the same day, and
// a sprinkle of discrepancies (0.1% amounts that differ on the bill, 0.1% payments missing from
// Alipay's side, 0.3% refunds, a few orders not ours, and 20 orders paid at Alipay but never recorded,
// each repaired through one alipay.trade.query round trip). The CLI's JSON counts must equal what was seeded.
//
// By default on a fresh PGlite, with the local sandbox hosted by the CLI itself (ALIPAY_GATEWAY=sandbox),
// so that the sandbox's building of the zip counts into the CLI's CPU and memory.
// With --postgres, as in production: on PostgreSQL (DATABASE_URL, else a throwaway cluster from
// scripts/throwaway-postgres.sh), in a schema of its own, with the sandbox served by the server
// (`node --import tsx src/main.ts`, ALIPAY_GATEWAY=sandbox) in a process of its own, and the CLI
// pointed at it as at a real gateway (ALIPAY_GATEWAY=http://127.0.0.1:<port>/sandbox/gateway.do),
// trusting only the public half of the sandbox's key. The server's peak RSS is reported apart.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import knexFactory, { type Knex } from 'knex';
import pino from 'pino';
import { loadKeys, sandboxKeyMatching } from '../../src/bootstrap/keys.ts';
import { wiringFor } from '../../src/bootstrap/wiring.ts';
import { beijingMidnight, beijingTimestamp } from '../../src/domain/beijing-time.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { SandboxBillChanges } from '../../src/sandbox/bill-changes.ts';
import { SANDBOX_GATEWAY_PATH } from '../../src/sandbox/sandbox-alipay.ts';
import { SandboxRefunds } from '../../src/sandbox/sandbox-refunds.ts';
import { SandboxTrades } from '../../src/sandbox/sandbox-trades.ts';
import { peakRssMb, postgresBinariesInstalled, postgresForBench, progress, stopChild } from './support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const USAGE = 'usage: npm run bench:reconcile -- [--rows N (100 or more)] [--postgres] [--cpu-prof DIR] [--keep] [--worker-heap]';

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        rows: { type: 'string', default: '100000' },
        postgres: { type: 'boolean', default: false },
        'cpu-prof': { type: 'string' },
        keep: { type: 'boolean', default: false },
        'worker-heap': { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    return usage((error as Error).message);
  }
})();
const ROWS = Number(values.rows);
if (!/^[0-9]+$/.test(values.rows) || !Number.isSafeInteger(ROWS) || ROWS < 100) usage(`--rows ${values.rows}: a whole number, 100 or more`);
const PROFILE_DIR = values['cpu-prof'];
const POSTGRES = values.postgres;
if (POSTGRES && !process.env.DATABASE_URL && !postgresBinariesInstalled()) {
  console.error(
    'bench:reconcile: --postgres needs PostgreSQL: set DATABASE_URL to a server you can create a schema on, or install its binaries ' +
      '(apt-get install postgresql) for a throwaway cluster (scripts/throwaway-postgres.sh, as root)',
  );
  process.exit(2);
}

// The day: yesterday in Beijing, whose bill Alipay (and the sandbox) has published.
const DAY = beijingTimestamp(beijingMidnight(beijingTimestamp(new Date()).slice(0, 10), -1)).slice(0, 10);
const DAY_DIGITS = DAY.replaceAll('-', '');
const FROM_SECONDS = beijingMidnight(DAY).getTime() / 1000;

// The bill's rows: TRADES 交易 rows and REFUNDS 退款 rows. Of the trades, UNKNOWN are not our orders,
// REPAIRED are UNPAID orders of ours with no payment, the rest (PAID) have their payment; MISMATCHED of
// those are billed 0.01 more than we recorded. MISSING more payments of that day are not in the bill.
const REFUNDS = Math.round(ROWS * 0.003);
const MISMATCHED = Math.round(ROWS * 0.001);
const MISSING = Math.round(ROWS * 0.001);
const UNKNOWN = 5;
const REPAIRED = 20;
const TRADES = ROWS - REFUNDS;
const PAID = TRADES - UNKNOWN - REPAIRED;
const EXPECTED = {
  matched: PAID - MISMATCHED,
  repaired: REPAIRED,
  amount_mismatch: MISMATCHED,
  missing_in_bill: MISSING,
  unknown_order: UNKNOWN,
  refund: REFUNDS,
  missing_locally: 0,
} as const;

// Row i (1-based) is paid at 00:00:30 + i/(TRADES+MISSING) of 85,000 s: the last before 23:38, far
// from midnight, so that no payment waits for the next day's bill. Refunds come 10 minutes later.
const SPAN_SECONDS = 85_000;
const at = (i: string) => `to_timestamp(${FROM_SECONDS} + 30 + ${i} * ${SPAN_SECONDS}.0 / ${TRADES + MISSING})`;
const amount = (i: string) => `((100 + (${i}::bigint * 7919) % 99900) / 100.0)::numeric(10,2)`;
const orderId = (i: string) => `'${DAY_DIGITS}' || lpad(${i}::text, 10, '0')`;
const tradeNo = (i: string) => `'${DAY_DIGITS}22001' || lpad(${i}::text, 15, '0')`;

// Loaded into the CLI with --import: when each HTTP call to the sandbox went out, had its headers and
// ended (undici's diagnostics channels), and the process's own CPU time and peak memory at exit.
const TRACER = `import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import process from 'node:process';
const events = [{ at: Date.now(), what: 'loaded' }];
const names = new WeakMap();
subscribe('undici:request:create', ({ request }) => {
  names.set(request, request.path.split('?')[0]);
  events.push({ at: Date.now(), what: 'sent', path: names.get(request) });
});
subscribe('undici:request:headers', ({ request }) => events.push({ at: Date.now(), what: 'headers', path: names.get(request) }));
subscribe('undici:request:trailers', ({ request }) => events.push({ at: Date.now(), what: 'done', path: names.get(request) }));
process.on('exit', () => {
  events.push({ at: Date.now(), what: 'exit' });
  writeFileSync(process.env.BENCH_RECONCILE_TRACE, JSON.stringify({ usage: process.resourceUsage(), events }));
});
`;

interface TraceEvent {
  readonly at: number;
  readonly what: 'loaded' | 'sent' | 'headers' | 'done' | 'exit';
  readonly path?: string;
}
interface Line {
  readonly at: number;
  readonly text: string;
}
type Trace = { usage: NodeJS.ResourceUsage; events: TraceEvent[] };
interface CliRun {
  readonly started: number;
  readonly ended: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: Line[];
}
interface Seeded {
  readonly seconds: number;
  readonly orders: number;
  readonly payments: number;
  readonly trades: number;
}
/** What the sandbox said of the zip it built for the bill URL (its log line), when it said it. */
interface BillBuilt {
  readonly rows?: number;
  readonly zipBytes?: number;
  readonly buildMs?: number;
}
/** How the run was set up, for the report. */
interface Setup {
  readonly database: string;
  readonly sandbox: string;
  readonly postgresVersion?: string;
  readonly serverPeakRssMb?: number | null;
  readonly serverPid?: number;
  readonly billBuilt?: BillBuilt;
  /** Why the CLI had another ALIPAY_HTTP_TIMEOUT than the user's. */
  readonly timeoutNote?: string;
  /** The CLI's command line with its environment, as measured. */
  readonly measured: string;
  readonly reproduce: string;
}

const dir = mkdtempSync(join(tmpdir(), 'meiduo-bench-reconcile-'));
const KEYS = join(dir, 'keys');
// ALIPAY_HTTP_TIMEOUT is passed on to the CLI: it bounds each call to the sandbox, which builds the
// whole bill zip before it answers the bill URL query (Alipay has its bill ready before). With
// --postgres it is 2m (the most the configuration takes) unless set: a million rows take the server's
// sandbox some 15 s to build, past the default 10 s. The report says how long the build took.
const TIMEOUT = process.env.ALIPAY_HTTP_TIMEOUT ? `ALIPAY_HTTP_TIMEOUT=${process.env.ALIPAY_HTTP_TIMEOUT} ` : '';
const CLI_TIMEOUT = process.env.ALIPAY_HTTP_TIMEOUT ?? (POSTGRES ? '2m' : undefined);
const common: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? dir,
  NODE_ENV: 'development',
  APP_PRIVATE_KEY_FILE: join(KEYS, 'app_private_key.pem'),
  // info: the CLI's own log lines (database ready, sandbox answers) mark the stages.
  LOG_LEVEL: 'info',
  ...(CLI_TIMEOUT ? { ALIPAY_HTTP_TIMEOUT: CLI_TIMEOUT } : {}),
};
// The sandbox's key pair and our app's, generated as on first use: alipay_private_key.pem lies beside
// alipay_public_key.pem, which makes it the sandbox's own.
const sandboxKeys = { ALIPAY_PUBLIC_KEY_FILE: join(KEYS, 'alipay_public_key.pem'), ALIPAY_GATEWAY: 'sandbox' };
const tracePath = join(dir, 'trace.json');
const tracerPath = join(dir, 'tracer.mjs');
const PROFILE_TEMP = join(dir, 'profile');
const children = new Set<ChildProcess>();
// Run synchronously on Ctrl-C too: what must not outlive the bench (a throwaway PostgreSQL cluster).
const onExit: Array<() => void> = [];
// The schema made on a DATABASE_URL of the user's, until it is dropped: Ctrl-C cannot wait to drop it.
let schemaLeft: string | undefined;
const interrupted = () => {
  for (const child of children) child.kill('SIGTERM');
  if (schemaLeft)
    console.error(`bench:reconcile: interrupted; schema ${schemaLeft} is left on DATABASE_URL: DROP SCHEMA ${schemaLeft} CASCADE`);
  for (const stop of onExit.reverse()) {
    try {
      stop();
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(130);
};
process.once('SIGINT', interrupted);

try {
  writeFileSync(tracerPath, TRACER);
  if (POSTGRES) await onPostgres();
  else await onPglite();
  if (PROFILE_DIR) summariseProfile(PROFILE_TEMP, PROFILE_DIR);
} finally {
  for (const stop of onExit.reverse()) stop();
  if (values.keep) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** The default: a fresh PGlite, and the CLI hosting the sandbox itself. */
async function onPglite(): Promise<void> {
  const env = { ...common, ...sandboxKeys, PORT: '0', DATA_DIR: join(dir, 'pglite') };
  const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR });
  let seeded: Seeded;
  try {
    seeded = await seed(database.knex, env);
  } finally {
    await database.close();
  }
  const { run, trace } = await runTracedCli(env);
  const setup: Setup = {
    database: 'PGlite',
    sandbox: 'local sandbox hosted by the CLI',
    billBuilt: billBuiltOf(run.stderr),
    measured:
      `${TIMEOUT}DATA_DIR=<temp>/pglite ALIPAY_PUBLIC_KEY_FILE=<temp>/keys/alipay_public_key.pem APP_PRIVATE_KEY_FILE=<temp>/keys/app_private_key.pem LOG_LEVEL=info ` +
      `node ${values['worker-heap'] ? '--max-old-space-size=96 ' : ''}--max-semi-space-size=4 dist/cli/reconcile-cli.js --date ${DAY} --json   (ALIPAY_GATEWAY unset: the sandbox; plus --import of a tracer for CPU and HTTP timings)`,
    reproduce: `${TIMEOUT}npm run bench:reconcile -- --rows ${ROWS}${PROFILE_DIR ? ` --cpu-prof ${PROFILE_DIR}` : ''}${values['worker-heap'] ? ' --worker-heap' : ''}`,
  };
  report(run, trace, check(run, trace, [], setup), seeded, setup);
}

/** --postgres: a schema of its own on PostgreSQL, the sandbox in a server process, the CLI calling it as Alipay. */
async function onPostgres(): Promise<void> {
  const postgres = postgresForBench();
  onExit.push(() => postgres.stop());
  const throwaway = !process.env.DATABASE_URL;
  const schema = `bench_reconcile_${randomBytes(4).toString('hex')}`;
  // The service's own pool bounds every statement at 5 s: seeding a million rows takes longer.
  const admin = knexFactory({ client: 'pg', connection: postgres.url, pool: { min: 0, max: 1 } });
  const kept = values.keep && !throwaway;
  try {
    const version = String((await admin.raw('SHOW server_version')).rows[0].server_version).split(' ')[0]!;
    await admin.raw(`CREATE SCHEMA ${schema}`);
    if (!throwaway) schemaLeft = schema;
    // pg_trgm lives in public (migration 007): the schema first, public after it.
    const url = withSearchPath(postgres.url, `${schema},public`);
    progress(`PostgreSQL ${version}${throwaway ? ' (throwaway cluster)' : ' (DATABASE_URL)'}, schema ${schema}`);
    const serverEnv = {
      ...common,
      ...sandboxKeys,
      DATABASE_URL: url,
      PORT: '0',
      DATA_DIR: join(dir, 'server', 'pglite'),
      WEB_CONCURRENCY: '1',
      // Its own daily reconciliation would do the same day beside the CLI; its queries would ask the sandbox too.
      RECONCILE_AT: 'off',
      ALIPAY_QUERY_SCHEDULE: 'off',
      ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    };
    const seeding = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    let seeded: Seeded;
    try {
      seeded = await seed(seeding, serverEnv);
    } finally {
      await seeding.destroy();
    }
    // The CLI trusts the public half only: beside it no private key, as with Alipay's real one.
    const cliKeys = join(dir, 'cli-keys');
    mkdirSync(cliKeys);
    copyFileSync(sandboxKeys.ALIPAY_PUBLIC_KEY_FILE, join(cliKeys, 'alipay_public_key.pem'));

    progress('starting the server with the sandbox: node --import tsx src/main.ts (ALIPAY_GATEWAY=sandbox, WEB_CONCURRENCY=1)');
    const server = await startServer(serverEnv);
    let run: CliRun;
    let trace: Trace | null;
    let serverPeakRssMb: number | null;
    try {
      const gateway = `${server.url}${SANDBOX_GATEWAY_PATH}`;
      const cliEnv = {
        ...common,
        DATABASE_URL: url,
        DATA_DIR: join(dir, 'cli', 'pglite'),
        ALIPAY_GATEWAY: gateway,
        ALIPAY_PUBLIC_KEY_FILE: join(cliKeys, 'alipay_public_key.pem'),
      };
      ({ run, trace } = await runTracedCli(cliEnv));
      // Before it stops: VmHWM is the process's peak resident set so far.
      serverPeakRssMb = peakRssMb(server.child.pid!);
    } finally {
      await stopChild(server.child);
      children.delete(server.child);
    }
    const setup: Setup = {
      database: `PostgreSQL ${version}`,
      sandbox: 'sandbox served by the server in a process of its own',
      postgresVersion: version,
      serverPeakRssMb,
      serverPid: server.child.pid,
      billBuilt: billBuiltOf(server.lines),
      timeoutNote: process.env.ALIPAY_HTTP_TIMEOUT
        ? undefined
        : `ALIPAY_HTTP_TIMEOUT=${CLI_TIMEOUT} for the CLI, not the default 10s: this bench's default with --postgres (set ALIPAY_HTTP_TIMEOUT to choose), since the sandbox builds the whole zip before it answers the bill URL query`,
      measured:
        `ALIPAY_HTTP_TIMEOUT=${CLI_TIMEOUT} DATABASE_URL=<schema ${schema}> ALIPAY_GATEWAY=${server.url}${SANDBOX_GATEWAY_PATH} ALIPAY_PUBLIC_KEY_FILE=<temp>/cli-keys/alipay_public_key.pem ` +
        `APP_PRIVATE_KEY_FILE=<temp>/keys/app_private_key.pem LOG_LEVEL=info node ${values['worker-heap'] ? '--max-old-space-size=96 ' : ''}--max-semi-space-size=4 dist/cli/reconcile-cli.js --date ${DAY} --json   (plus --import of a tracer for CPU and HTTP timings)`,
      reproduce: `${throwaway ? '' : 'DATABASE_URL=<yours> '}${TIMEOUT}npm run bench:reconcile -- --rows ${ROWS} --postgres${PROFILE_DIR ? ` --cpu-prof ${PROFILE_DIR}` : ''}${values['worker-heap'] ? ' --worker-heap' : ''}`,
    };
    report(run, trace, check(run, trace, server.lines, setup), seeded, setup);
  } finally {
    if (kept) progress(`kept schema ${schema} (DROP SCHEMA ${schema} CASCADE when done)`);
    else await admin.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    schemaLeft = undefined;
    await admin.destroy();
  }
}

/** `url` whose connections start with this search_path (libpq's options, which node-postgres passes on). */
function withSearchPath(url: string, searchPath: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${searchPath}`)}`;
}

/** The server, once it has logged `listening`: its URL, its process and every line it wrote on stdout. */
async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; lines: Line[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: Line[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (text) => stderr.push(text));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not log "listening" within 60 s')), 60_000);
      createInterface({ input: child.stdout! }).on('line', (text) => {
        lines.push({ at: Date.now(), text });
        const entry = jsonOf(text);
        if (entry?.msg === 'listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${signal ?? code}) before it listened`));
      });
    });
    progress(`  server (pid ${child.pid}) listening at ${url}`);
    return { url, child, lines };
  } catch (error) {
    await stopChild(child);
    const tail = [...lines.map(({ text }) => text), ...stderr].slice(-20).join('\n  ');
    throw new Error(`${(error as Error).message}; its last lines:\n  ${tail}`);
  }
}

/** The day's orders, payments, trades and bill changes on `knex` (migrated), and the dev keys. */
async function seed(knex: Knex, env: Record<string, string>): Promise<Seeded> {
  const started = performance.now();
  const config = loadConfig(env);
  const logger = pino({ level: 'silent' });
  // As the CLI or the server would on first use: generate the sandbox's and our app's key pairs.
  const keys = loadKeys(config, logger);
  const sandboxKeyPem = sandboxKeyMatching(config, keys.alipayKey.publicKey.spkiPem);
  await migrate(knex);
  // The sandbox that will answer: its app and seller, and its tables, created by its own code.
  const sandbox = wiringFor({
    config,
    knex,
    logger,
    ...keys,
    publicUrl: 'http://127.0.0.1',
    adminPassword: 'unused',
    sandboxAlipayKeyPem: sandboxKeyPem,
  }).sandbox!;
  const sandboxTrades = new SandboxTrades(knex);
  await sandboxTrades.paidOn(DAY);
  await new SandboxBillChanges(knex).ready();
  await new SandboxRefunds(knex, sandboxTrades).ready();

  const local = `generate_series(${UNKNOWN + 1}, ${TRADES + MISSING}) AS i`;
  progress(`seeding ${DAY}: ${TRADES + MISSING - UNKNOWN} Alipay orders (${REPAIRED} of them UNPAID, paid at Alipay only)`);
  await knex.raw(`INSERT INTO tb_order_info (order_id, total_amount, pay_method, status, create_time, update_time)
    SELECT ${orderId('i')}, ${amount('i')}, 2, CASE WHEN i <= ${UNKNOWN + REPAIRED} THEN 1 ELSE 4 END,
           ${at('i')} - interval '80 seconds',
           CASE WHEN i <= ${UNKNOWN + REPAIRED} THEN ${at('i')} - interval '80 seconds' ELSE ${at('i')} + interval '2 seconds' END
    FROM ${local}`);
  progress(`seeding ${PAID + MISSING} payments (source notify), ${MISSING} of them not in the sandbox's trades`);
  await knex.raw(`INSERT INTO tb_payment (order_id, trade_id, amount, source, state, create_time, update_time)
    SELECT ${orderId('i')}, ${tradeNo('i')}, ${amount('i')}, 'notify', 'applied', ${at('i')} + interval '2 seconds', ${at('i')} + interval '2 seconds'
    FROM generate_series(${UNKNOWN + REPAIRED + 1}, ${TRADES + MISSING}) AS i`);
  progress(`seeding ${TRADES} sandbox trades (${UNKNOWN} for orders not ours)`);
  await knex.raw(
    `INSERT INTO sandbox_alipay_trade (trade_no, out_trade_no, app_id, seller_id, subject, total_amount, trade_status, gmt_create, gmt_payment)
    SELECT ${tradeNo('i')}, CASE WHEN i <= ${UNKNOWN} THEN 'ELSEWHERE' || ${orderId('i')} ELSE ${orderId('i')} END, ?::text, ?::text,
           '美多商城订单 ' || ${orderId('i')}, ${amount('i')}, 'TRADE_SUCCESS', ${at('i')} - interval '20 seconds', ${at('i')}
    FROM generate_series(1, ${TRADES}) AS i`,
    [sandbox.appId, sandbox.sellerId],
  );
  // Spread over the paid trades: the k-th mismatch and the k-th refund, as the sandbox's bills page makes them.
  const paidRow = (every: number, offset: number) => `${UNKNOWN + REPAIRED} + k * ${every} + ${offset}`;
  progress(`seeding ${MISMATCHED} amounts the bill states 0.01 higher and ${REFUNDS} refunds (sandbox bill changes)`);
  await knex.raw(`INSERT INTO sandbox_alipay_bill_change (trade_no, bill_amount)
    SELECT ${tradeNo('i')}, ${amount('i')} + 0.01
    FROM (SELECT ${paidRow(Math.floor(PAID / (MISMATCHED + 1)), 0)} AS i FROM generate_series(1, ${MISMATCHED}) AS k) AS mismatched`);
  await knex.raw(`INSERT INTO sandbox_alipay_refund (trade_no, out_request_no, refund_amount, refunded_at, bill_only)
    SELECT ${tradeNo('i')}, 'RF${DAY_DIGITS}' || lpad(i::text, 10, '0'), ${amount('i')}, ${at('i')} + interval '10 minutes', true
    FROM (SELECT ${paidRow(Math.floor(PAID / (REFUNDS + 1)), 1)} AS i FROM generate_series(1, ${REFUNDS}) AS k) AS refunded`);
  // What autovacuum would have done on PostgreSQL by the next morning.
  await knex.raw('ANALYZE');
  const count = async (table: string) => Number((await knex(table).count({ n: '*' }))[0]!.n);
  const seeded = {
    seconds: (performance.now() - started) / 1000,
    orders: await count('tb_order_info'),
    payments: await count('tb_payment'),
    trades: await count('sandbox_alipay_trade'),
  };
  // Counted by kind: at a million rows some trade is both billed 0.01 higher and refunded.
  const mismatched = Number((await knex('sandbox_alipay_bill_change').count({ n: 'bill_amount' }))[0]!.n);
  const refunded = await count('sandbox_alipay_refund');
  if (seeded.orders !== TRADES + MISSING - UNKNOWN || seeded.payments !== PAID + MISSING || seeded.trades !== TRADES) {
    throw new Error(`seeding went wrong: ${JSON.stringify(seeded)}`);
  }
  if (mismatched !== MISMATCHED || refunded !== REFUNDS) {
    throw new Error(`seeding went wrong: ${mismatched} amounts changed and ${refunded} refunds, not ${MISMATCHED} and ${REFUNDS}`);
  }
  progress(`seeded in ${seeded.seconds.toFixed(1)} s`);
  return seeded;
}

/** The CLI run with the tracer (and --cpu-prof when asked), and what the tracer wrote at its exit. */
async function runTracedCli(env: Record<string, string>): Promise<{ run: CliRun; trace: Trace | null }> {
  // As `npm run reconcile` runs it: tsc's output on plain Node (tsx would add its compiler to the RSS).
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  // The V8 flag package.json's reconcile script gives the CLI (docs/performance.md).
  // --worker-heap: under a cluster worker's heap bounds (src/main.ts), to show the day fits in one.
  const heap = values['worker-heap'] ? ['--max-old-space-size=96'] : [];
  const args = [...heap, '--max-semi-space-size=4', 'dist/cli/reconcile-cli.js', '--date', DAY, '--json'];
  const nodeFlags = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_TEMP}`] : [];
  progress(`running the CLI: node ${args.join(' ')}${PROFILE_DIR ? ' (with --cpu-prof: slower than without)' : ''}`);
  const run = await runCli([...nodeFlags, '--import', tracerPath, ...args], env);
  const trace = existsSync(tracePath) ? (JSON.parse(readFileSync(tracePath, 'utf8')) as Trace) : null;
  return { run, trace };
}

/** Runs the CLI with `env`; every stderr line with when it arrived. */
function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const stderr: Line[] = [];
    let stdout = '';
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...env, BENCH_RECONCILE_TRACE: tracePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    createInterface({ input: child.stderr! }).on('line', (text) => {
      stderr.push({ at: Date.now(), text });
      if (text.startsWith('reconcile:')) progress(`  ${text}`);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      children.delete(child);
      resolve({ started, ended: Date.now(), code, stdout, stderr });
    });
  });
}

type Counts = Record<keyof typeof EXPECTED, number>;

/** A line that a long one stands for: a failed statement is logged whole, 100,000 bind parameters make a megabyte. */
function shortened(text: string): string {
  return text.length > 600 ? `${text.slice(0, 300)} …(${text.length - 600} characters)… ${text.slice(-300)}` : text;
}

/** The CLI's JSON, or a loud failure when it failed or counted anything but what was seeded. */
function check(
  run: CliRun,
  trace: Trace | null,
  serverLines: readonly Line[],
  setup: Setup,
): { counts: Counts; items: number; deferred: number } {
  const fail = (why: string): never => {
    const tail = run.stderr.slice(-25).map(({ text }) => `  ${shortened(text)}`);
    const server = serverLines.slice(-15).map(({ text }) => `  ${shortened(text)}`);
    console.error(
      `bench:reconcile: FAILED: ${why}\nthe CLI's last stderr lines:\n${tail.join('\n')}${server.length > 0 ? `\nthe server's last log lines:\n${server.join('\n')}` : ''}`,
    );
    // What was measured up to the failure: how far the CLI got, and what the sandbox's side took.
    console.error(`measured until then (${setup.database}, ${setup.sandbox}): ${resources(run, trace, setup)}`);
    console.error(`Reproduce: ${setup.reproduce}`);
    process.exitCode = 1;
    throw new Error(why);
  };
  if (run.code !== 0) {
    const timedOut = run.stderr.some(({ text }) => text.startsWith('reconcile:') && text.includes('ALIPAY_HTTP_TIMEOUT'));
    fail(
      `the CLI exited with ${run.code}${timedOut ? ' (a call to the sandbox outlasted ALIPAY_HTTP_TIMEOUT, which this bench passes on)' : ''}`,
    );
  }
  let result: { date?: string; status?: string; counts?: Counts; items?: unknown[]; deferred?: number };
  try {
    result = JSON.parse(run.stdout.trimEnd().split('\n').at(-1) ?? '');
  } catch {
    return fail(`its last stdout line is not JSON: ${run.stdout.slice(-300)}`);
  }
  if (result.date !== DAY || result.status !== 'done') fail(`it answered date ${result.date}, status ${result.status}`);
  const counts = result.counts ?? ({} as Counts);
  const wrong = Object.entries(EXPECTED).filter(([kind, expected]) => counts[kind as keyof Counts] !== expected);
  if (wrong.length > 0) {
    fail(
      `counts differ from what was seeded: ${wrong.map(([kind, expected]) => `${kind} ${counts[kind as keyof Counts]} (seeded ${expected})`).join(', ')}`,
    );
  }
  const discrepancies = ROWS + MISSING - EXPECTED.matched;
  if (result.items?.length !== discrepancies) fail(`${result.items?.length} items listed, not the ${discrepancies} discrepancies seeded`);
  if (result.deferred !== 0) fail(`${result.deferred} payments deferred to the next day's bill; none was seeded near midnight`);
  const rowsRead = progressLines(run.stderr).at(-1)?.rowsRead;
  if (rowsRead !== ROWS) fail(`the progress lines say ${rowsRead} bill rows read, not ${ROWS}`);
  return { counts, items: discrepancies, deferred: 0 };
}

/** Wall, CPU and peak RSS of the CLI, the server's peak RSS, the sandbox's build, and the last progress line, in one line. */
function resources(run: CliRun, trace: Trace | null, setup: Setup): string {
  const parts = [`CLI wall ${((run.ended - run.started) / 1000).toFixed(1)} s`];
  if (trace) {
    const cpu = (trace.usage.userCPUTime + trace.usage.systemCPUTime) / 1e6;
    parts.push(`CLI CPU ${cpu.toFixed(1)} s`, `CLI peak RSS ${Math.round(trace.usage.maxRSS / 1024)} MB`);
  }
  if (setup.serverPid !== undefined) parts.push(`server peak RSS ${setup.serverPeakRssMb ?? '-'} MB`);
  const built = setup.billBuilt;
  if (built?.buildMs !== undefined) {
    parts.push(
      `the sandbox built ${built.rows ?? '?'} rows (${((built.zipBytes ?? 0) / 1e6).toFixed(1)} MB zipped) in ${(built.buildMs / 1000).toFixed(2)} s`,
    );
  }
  const last = progressLines(run.stderr).at(-1);
  parts.push(last ? `last progress: ${last.rowsRead} bill rows read, ${last.classified} classified` : 'no progress line');
  return parts.join('; ');
}

function progressLines(lines: readonly Line[]) {
  return lines.flatMap((line) => {
    const match = /^reconcile: \S+: (\d+) bill rows read, (\d+) classified$/.exec(line.text);
    return match ? [{ at: line.at, rowsRead: Number(match[1]), classified: Number(match[2]) }] : [];
  });
}

function jsonOf(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** When the CLI logged `message` (pino's own timestamp). */
function logged(lines: readonly Line[], message: string): number | undefined {
  for (const line of lines) {
    const entry = jsonOf(line.text);
    if (entry?.msg === message && typeof entry.time === 'number') return entry.time;
  }
  return undefined;
}

/** What the sandbox logged of the first bill zip it built: rows, bytes, milliseconds. */
function billBuiltOf(lines: readonly Line[]): BillBuilt | undefined {
  for (const line of lines) {
    const entry = jsonOf(line.text);
    if (entry?.msg === 'sandbox bill download URL answered') return entry.bill as BillBuilt | undefined;
  }
  return undefined;
}

function report(run: CliRun, trace: Trace | null, result: { counts: Counts; items: number }, seeded: Seeded, setup: Setup): void {
  const events = trace?.events ?? [];
  const find = (what: TraceEvent['what'], path?: (p: string) => boolean) =>
    events.filter((event) => event.what === what && (!path || path(event.path ?? '')));
  const isBill = (path: string) => path.startsWith('/sandbox/bills/');
  const isGateway = (path: string) => path === SANDBOX_GATEWAY_PATH;
  const [billUrlDone, ...queriesDone] = find('done', isGateway);
  const built = setup.billBuilt;
  const marks: Array<[string, number | undefined]> = [
    ['node boot', find('loaded')[0]?.at],
    ['CLI modules load, keys read, database opened, schema checked', logged(run.stderr, 'database ready')],
    [
      `bill URL asked for and answer verified (the sandbox builds the zip before it answers${built?.buildMs !== undefined ? `: ${(built.buildMs / 1000).toFixed(2)} s of this` : ''})`,
      billUrlDone?.at,
    ],
    ['download', find('done', isBill)[0]?.at],
    [`bill read and classified as far as the last of ${queriesDone.length} repairs (one alipay.trade.query each)`, queriesDone.at(-1)?.at],
    ['the rest: classified, not-in-bill check, run and items saved, JSON printed, database closed', find('exit')[0]?.at],
    ['process exit', run.ended],
  ];
  const wall = (run.ended - run.started) / 1000;
  const cpu = trace ? (trace.usage.userCPUTime + trace.usage.systemCPUTime) / 1e6 : null;
  console.log(
    `\nnpm run reconcile for a bill of ${ROWS.toLocaleString('en')} rows (${TRADES.toLocaleString('en')} 交易, ${REFUNDS} 退款), Node ${process.version}, ${setup.database}, ${setup.sandbox}`,
  );
  console.log(
    '| rows | wall (s) | CLI CPU (s, user+sys) | CLI peak RSS (MB) | matched | amount_mismatch | missing_in_bill | repaired | unknown_order | refund |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const c = result.counts;
  console.log(
    `| ${ROWS} | ${wall.toFixed(1)} | ${cpu === null ? '-' : cpu.toFixed(1)} | ${trace ? Math.round(trace.usage.maxRSS / 1024) : '-'} | ${c.matched} | ${c.amount_mismatch} | ${c.missing_in_bill} | ${c.repaired} | ${c.unknown_order} | ${c.refund} |`,
  );
  if (setup.serverPid !== undefined) {
    const rss = setup.serverPeakRssMb;
    console.log(
      `\nsandbox server (node --import tsx src/main.ts, pid ${setup.serverPid}) peak RSS: ${rss == null ? '- (no /proc/<pid>/status here)' : `${rss} MB (VmHWM, read before stopping it)`}`,
    );
  }
  if (built?.buildMs !== undefined) {
    const megabytes = built.zipBytes === undefined ? '' : `, ${(built.zipBytes / 1e6).toFixed(1)} MB zipped`;
    console.log(
      `the sandbox built the bill zip (${built.rows?.toLocaleString('en') ?? '?'} rows${megabytes}) in ${(built.buildMs / 1000).toFixed(2)} s, inside the bill URL stage: Alipay has its bill ready before it answers`,
    );
  }
  if (setup.timeoutNote) console.log(setup.timeoutNote);
  console.log('\nstages (wall, from the CLI’s stderr lines and its HTTP calls to the sandbox):');
  console.log('| stage | seconds |');
  console.log('|---|---|');
  let previous = run.started;
  for (const [name, mark] of marks) {
    if (mark === undefined) {
      console.log(`| ${name} | (not seen) |`);
      continue;
    }
    console.log(`| ${name} | ${((mark - previous) / 1000).toFixed(2)} |`);
    previous = mark;
  }
  console.log(
    `\nall counts equal what was seeded (${result.items} discrepancies listed; ${seeded.orders} orders, ${seeded.payments} payments, ${seeded.trades} sandbox trades, seeded in ${seeded.seconds.toFixed(1)} s, not counted)`,
  );
  if (setup.postgresVersion) console.log(`PostgreSQL ${setup.postgresVersion}`);
  console.log(
    `load average when done ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} on ${availableParallelism()} CPUs`,
  );
  console.log(`measured: ${setup.measured}`);
  console.log(`\nReproduce: ${setup.reproduce}`);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** Keeps the CLI's .cpuprofile in `target` and prints where its CPU time went: our functions (inclusive) and by module (self). */
function summariseProfile(from: string, target: string): void {
  const file = existsSync(from) ? readdirSync(from).find((name) => name.endsWith('.cpuprofile')) : undefined;
  if (!file) {
    console.log(`\n(no .cpuprofile was written in ${from})`);
    return;
  }
  mkdirSync(target, { recursive: true });
  cpSync(join(from, file), join(target, file));
  const profile = JSON.parse(readFileSync(join(from, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const where = (url: string) => {
    if (url === '') return '(native, GC, idle)';
    const path = url.startsWith('file://') ? relative(ROOT, fileURLToPath(url)) : url;
    const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    return module ? `node_modules/${module[1]}` : path;
  };
  const ours = new Map<number, string[]>();
  const keysOf = (id: number): string[] => {
    const cached = ours.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const above = parent.has(id) ? keysOf(parent.get(id)!) : [];
    const url = where(node.callFrame.url);
    const key = url.startsWith('src/') ? `${node.callFrame.functionName || '(anonymous)'} ${url}` : null;
    const keys = key && !above.includes(key) ? [...above, key] : above;
    ours.set(id, keys);
    return keys;
  };
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    for (const key of keysOf(id)) inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    const node = byId.get(id)!;
    const name = node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : where(node.callFrame.url);
    self.set(name, (self.get(name) ?? 0) + delta);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `| ${key} | ${(us / 1e6).toFixed(2)} | ${((100 * us) / total).toFixed(0)}% |`);
  console.log(`\nCPU profile of the CLI (${(total / 1e6).toFixed(1)} s sampled, kept in ${join(target, file)}):`);
  console.log('| src/ function (inclusive) | seconds | share |\n|---|---|---|');
  console.log(top(inclusive, 20).join('\n'));
  console.log('\n| where the samples were (self) | seconds | share |\n|---|---|---|');
  console.log(top(self, 15).join('\n'));
}

function usage(problem: string): never {
  console.error(`bench:reconcile: ${problem}\n${USAGE}`);
  process.exit(2);
}
