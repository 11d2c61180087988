// npm run bench:reconcile [-- --rows 100000 --cpu-prof DIR --keep]
// How long `npm run reconcile` takes for a day whose Alipay bill has --rows rows, end to end through
// the real CLI (`node --import tsx src/reconcile-cli.ts --date D --json`) on a fresh PGlite, with the
// local sandbox (which the CLI hosts itself) serving the bill. The day is seeded with set-based SQL:
// paid Alipay orders and their payments, the sandbox's own trades for the same day, and a sprinkle of
// discrepancies (0.1% amounts that differ on the bill, 0.1% payments missing from Alipay's side, 0.3%
// refunds, a few orders not ours, and 20 orders paid at Alipay but never recorded, each repaired
// through one alipay.trade.query round trip). The CLI's JSON counts must equal what was seeded.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { beijingMidnight, beijingTimestamp } from '../src/domain/beijing-time.ts';
import { loadConfig } from '../src/infrastructure/config.ts';
import { openDatabase } from '../src/infrastructure/persistence/database.ts';
import { migrate } from '../src/infrastructure/persistence/migrations.ts';
import { loadKeys, sandboxKeyMatching } from '../src/keys.ts';
import { SandboxBillChanges } from '../src/sandbox/bill-changes.ts';
import { SandboxTrades } from '../src/sandbox/sandbox-trades.ts';
import { wiringFor } from '../src/wiring.ts';
import { progress } from './bench-support.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'usage: npm run bench:reconcile -- [--rows N (100 or more)] [--cpu-prof DIR] [--keep]';

const { values } = (() => {
  try {
    return parseArgs({
      options: { rows: { type: 'string', default: '100000' }, 'cpu-prof': { type: 'string' }, keep: { type: 'boolean', default: false } },
      strict: true,
    });
  } catch (error) {
    return usage((error as Error).message);
  }
})();
const ROWS = Number(values.rows);
if (!/^[0-9]+$/.test(values.rows) || !Number.isSafeInteger(ROWS) || ROWS < 100) usage(`--rows ${values.rows}: a whole number, 100 or more`);
const PROFILE_DIR = values['cpu-prof'];

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

const dir = mkdtempSync(join(tmpdir(), 'meiduo-bench-reconcile-'));
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? dir,
  PORT: '0',
  DATA_DIR: join(dir, 'pglite'),
  ALIPAY_PUBLIC_KEY_FILE: join(dir, 'keys', 'alipay_public_key.pem'),
  APP_PRIVATE_KEY_FILE: join(dir, 'keys', 'app_private_key.pem'),
  // info: the CLI's own log lines (database ready, sandbox answers) mark the stages.
  LOG_LEVEL: 'info',
  ...(process.env.ALIPAY_HTTP_TIMEOUT ? { ALIPAY_HTTP_TIMEOUT: process.env.ALIPAY_HTTP_TIMEOUT } : {}),
};
// ALIPAY_HTTP_TIMEOUT is passed on: the CLI's sandbox must build the whole bill zip within it.
const TIMEOUT = env.ALIPAY_HTTP_TIMEOUT ? `ALIPAY_HTTP_TIMEOUT=${env.ALIPAY_HTTP_TIMEOUT} ` : '';
const tracePath = join(dir, 'trace.json');
const tracerPath = join(dir, 'tracer.mjs');
let child: ChildProcess | undefined;
const interrupted = () => {
  child?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  process.exit(130);
};
process.once('SIGINT', interrupted);

try {
  const seeded = await seed();
  writeFileSync(tracerPath, TRACER);
  const args = ['--import', 'tsx', 'src/reconcile-cli.ts', '--date', DAY, '--json'];
  const profileTemp = join(dir, 'profile');
  const nodeFlags = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${profileTemp}`] : [];
  progress(`running the CLI: node ${args.join(' ')}${PROFILE_DIR ? ' (with --cpu-prof: slower than without)' : ''}`);
  const run = await runCli([...nodeFlags, '--import', tracerPath, ...args]);
  const trace = existsSync(tracePath)
    ? (JSON.parse(readFileSync(tracePath, 'utf8')) as { usage: NodeJS.ResourceUsage; events: TraceEvent[] })
    : null;
  const result = check(run);
  report(run, trace, result, seeded);
  if (PROFILE_DIR) summariseProfile(profileTemp, PROFILE_DIR);
} finally {
  if (values.keep) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** A fresh PGlite with its schema, the dev keys, and the day's orders, payments, trades and bill changes. */
async function seed(): Promise<{ seconds: number; orders: number; payments: number; trades: number }> {
  const started = performance.now();
  const config = loadConfig(env);
  const logger = pino({ level: 'silent' });
  // As the CLI would on first use: generate the sandbox's and our app's key pairs.
  const keys = loadKeys(config, logger);
  const sandboxKeyPem = sandboxKeyMatching(config, keys.alipayKey.publicKey.spkiPem);
  const database = openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR! });
  try {
    const { knex } = database;
    await migrate(knex);
    // The sandbox the CLI will host: its app and seller, and its tables, created by its own code.
    const sandbox = wiringFor({
      config,
      knex,
      logger,
      ...keys,
      publicUrl: 'http://127.0.0.1',
      adminPassword: 'unused',
      sandboxAlipayKeyPem: sandboxKeyPem,
    }).sandbox!;
    await new SandboxTrades(knex).paidOn(DAY);
    await new SandboxBillChanges(knex).refundedOn(DAY);

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
    await knex.raw(`INSERT INTO sandbox_alipay_bill_change (trade_no, refund_amount, refunded_at, refund_no)
      SELECT ${tradeNo('i')}, ${amount('i')}, ${at('i')} + interval '10 minutes', 'RF${DAY_DIGITS}' || lpad(i::text, 10, '0')
      FROM (SELECT ${paidRow(Math.floor(PAID / (REFUNDS + 1)), 1)} AS i FROM generate_series(1, ${REFUNDS}) AS k) AS refunded
      ON CONFLICT (trade_no) DO UPDATE SET refund_amount = EXCLUDED.refund_amount, refunded_at = EXCLUDED.refunded_at,
        refund_no = EXCLUDED.refund_no`);
    // What autovacuum would have done on PostgreSQL by the next morning.
    await knex.raw('ANALYZE');
    const count = async (table: string) => Number((await knex(table).count({ n: '*' }))[0]!.n);
    const seeded = {
      seconds: (performance.now() - started) / 1000,
      orders: await count('tb_order_info'),
      payments: await count('tb_payment'),
      trades: await count('sandbox_alipay_trade'),
    };
    const changes = await count('sandbox_alipay_bill_change');
    if (seeded.orders !== TRADES + MISSING - UNKNOWN || seeded.payments !== PAID + MISSING || seeded.trades !== TRADES) {
      throw new Error(`seeding went wrong: ${JSON.stringify(seeded)}`);
    }
    if (changes !== MISMATCHED + REFUNDS) throw new Error(`seeding went wrong: ${changes} bill changes, not ${MISMATCHED + REFUNDS}`);
    progress(`seeded in ${seeded.seconds.toFixed(1)} s`);
    return seeded;
  } finally {
    await database.close();
  }
}

/** Runs the CLI with the bench's environment; every stderr line with when it arrived. */
function runCli(args: string[]): Promise<{ started: number; ended: number; code: number | null; stdout: string; stderr: Line[] }> {
  return new Promise((resolve, reject) => {
    const stderr: Line[] = [];
    let stdout = '';
    const started = Date.now();
    child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...env, BENCH_RECONCILE_TRACE: tracePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    createInterface({ input: child.stderr! }).on('line', (text) => {
      stderr.push({ at: Date.now(), text });
      if (text.startsWith('reconcile:')) progress(`  ${text}`);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ started, ended: Date.now(), code, stdout, stderr }));
  });
}

type Counts = Record<keyof typeof EXPECTED, number>;

/** The CLI's JSON, or a loud failure when it failed or counted anything but what was seeded. */
function check(run: { code: number | null; stdout: string; stderr: Line[] }): { counts: Counts; items: number; deferred: number } {
  const fail = (why: string): never => {
    // A failed statement is logged whole: 100,000 bind parameters make a line of a megabyte.
    const tail = run.stderr
      .slice(-25)
      .map(({ text }) => `  ${text.length > 600 ? `${text.slice(0, 300)} …(${text.length - 600} characters)… ${text.slice(-300)}` : text}`);
    console.error(`bench:reconcile: FAILED: ${why}\nthe CLI's last stderr lines:\n${tail.join('\n')}`);
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

function progressLines(lines: readonly Line[]) {
  return lines.flatMap((line) => {
    const match = /^reconcile: \S+: (\d+) bill rows read, (\d+) classified$/.exec(line.text);
    return match ? [{ at: line.at, rowsRead: Number(match[1]), classified: Number(match[2]) }] : [];
  });
}

/** When the CLI logged `message` (pino's own timestamp). */
function logged(lines: readonly Line[], message: string): number | undefined {
  for (const line of lines) {
    if (!line.text.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line.text) as { msg?: string; time?: number };
      if (entry.msg === message) return entry.time;
    } catch {}
  }
  return undefined;
}

function report(
  run: { started: number; ended: number; stderr: Line[] },
  trace: { usage: NodeJS.ResourceUsage; events: TraceEvent[] } | null,
  result: { counts: Counts; items: number },
  seeded: { seconds: number; orders: number; payments: number; trades: number },
): void {
  const events = trace?.events ?? [];
  const find = (what: TraceEvent['what'], path?: (p: string) => boolean) =>
    events.filter((event) => event.what === what && (!path || path(event.path ?? '')));
  const isBill = (path: string) => path.startsWith('/sandbox/bills/');
  const isGateway = (path: string) => path === '/sandbox/gateway.do';
  const [billUrlDone, ...queriesDone] = find('done', isGateway);
  const [, ...queriesSent] = find('sent', isGateway);
  const progressed = progressLines(run.stderr);
  const classified = progressed.find((line) => line.classified === line.rowsRead);
  const downloadDone = find('done', isBill)[0]?.at;
  const lastRepair = queriesDone.at(-1)?.at;
  const marks: Array<[string, number | undefined]> = [
    ['node and tsx boot', find('loaded')[0]?.at],
    ['CLI modules load, keys read, PGlite opened, schema checked', logged(run.stderr, 'database ready')],
    ['sandbox up; bill URL asked for and answer verified', billUrlDone?.at],
    ['download asked for', find('sent', isBill)[0]?.at],
    ['the sandbox builds the zip (its trades, bill changes, GBK CSV, deflate)', find('headers', isBill)[0]?.at],
    ['download body', downloadDone],
    [
      queriesSent.length > 0
        ? 'bill parsed; local payments and orders looked up by trade_no/order_id'
        : 'bill parsed; local payments and orders looked up; first 10,000 classified',
      queriesSent[0]?.at ?? progressed[0]?.at,
    ],
    [`${queriesSent.length} repairs, one alipay.trade.query each`, lastRepair],
    ['the rest classified; payments of the day read; not-in-bill check', classified?.at],
    ['run and items saved (one transaction), JSON printed, PGlite closed', find('exit')[0]?.at],
    ['process exit', run.ended],
  ];
  const wall = (run.ended - run.started) / 1000;
  const cpu = trace ? (trace.usage.userCPUTime + trace.usage.systemCPUTime) / 1e6 : null;
  const runtime = `Node ${process.version}`;
  console.log(
    `\nnpm run reconcile for a bill of ${ROWS.toLocaleString('en')} rows (${TRADES.toLocaleString('en')} 交易, ${REFUNDS} 退款), ${runtime}, PGlite, local sandbox hosted by the CLI`,
  );
  console.log(
    '| rows | wall (s) | CLI CPU (s, user+sys) | peak RSS (MB) | matched | amount_mismatch | missing_in_bill | repaired | unknown_order | refund |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const c = result.counts;
  console.log(
    `| ${ROWS} | ${wall.toFixed(1)} | ${cpu === null ? '-' : cpu.toFixed(1)} | ${trace ? Math.round(trace.usage.maxRSS / 1024) : '-'} | ${c.matched} | ${c.amount_mismatch} | ${c.missing_in_bill} | ${c.repaired} | ${c.unknown_order} | ${c.refund} |`,
  );
  console.log('\nstages (wall, from the CLI’s stderr lines and its HTTP calls to the sandbox it hosts):');
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
  console.log(
    `load average when done ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} on ${availableParallelism()} CPUs`,
  );
  console.log(
    `measured: ${TIMEOUT}DATA_DIR=<temp>/pglite ALIPAY_PUBLIC_KEY_FILE=<temp>/keys/alipay_public_key.pem APP_PRIVATE_KEY_FILE=<temp>/keys/app_private_key.pem LOG_LEVEL=info ` +
      `node --import tsx src/reconcile-cli.ts --date ${DAY} --json   (ALIPAY_GATEWAY unset: the sandbox; plus --import of a tracer for CPU and HTTP timings)`,
  );
  console.log(`\nReproduce: ${TIMEOUT}npm run bench:reconcile -- --rows ${ROWS}${PROFILE_DIR ? ` --cpu-prof ${PROFILE_DIR}` : ''}`);
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
