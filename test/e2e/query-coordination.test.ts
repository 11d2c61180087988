import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ClaimDueQueries } from '../../src/application/claim-due-queries.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';
import { type Database, openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { KnexQueryQueue } from '../../src/infrastructure/persistence/knex-query-queue.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { APP_ID, newOrderId } from '../support/alipay-signer.ts';
import { waitFor, wallClock } from '../support/clock.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { serviceCommand } from '../support/service-command.ts';
import { testTempDir } from '../support/temp-dir.ts';

// Processes coordinate through PostgreSQL (FOR UPDATE SKIP LOCKED); PGlite cannot be shared.
const url = process.env.DATABASE_URL;
const skip = url
  ? false
  : 'needs DATABASE_URL: processes share alipay.trade.query through PostgreSQL, and PGlite is one process’s database';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
const command = serviceCommand('src/main.ts');

/** A schema of its own on DATABASE_URL, migrated, dropped by drop(). */
async function freshSchema(): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `test_coord_${randomBytes(6).toString('hex')}`;
  const admin = openDatabase({ kind: 'postgres', url: url! });
  const migrated = openDatabase({ kind: 'postgres', url: url!, schema });
  try {
    await admin.knex.raw(`CREATE SCHEMA ${schema}`);
    await migrate(migrated.knex);
  } catch (error) {
    await admin.close();
    throw error;
  } finally {
    await migrated.close();
  }
  return {
    schema,
    async drop() {
      await admin.knex.raw(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

/** DATABASE_URL with `schema` as the connection's search_path: the server takes no schema setting of its own. */
function urlWithSchema(schema: string): string {
  const withSchema = new URL(url!);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return withSchema.toString();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGTERM, then the exit code (Deno reports null for a child it signalled). */
  stop(): Promise<number | null>;
}

async function startServer(name: string, env: Record<string, string>): Promise<ServerProcess> {
  let output = '';
  const child = spawn(process.execPath, command, {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', WEB_CONCURRENCY: '1', NODE_ENV: 'development', ...env },
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const stop = async () => {
    if (!done) child.kill('SIGTERM');
    return exited;
  };
  try {
    await waitFor(() => done || output.includes('"listening"'), `${name} to listen`, 60_000);
    if (done) throw new Error(`${name} exited before listening:\n${output}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url: /"url":"(http:\/\/[^"]+)"/.exec(output)![1]!, child, output: () => output, stop };
}

/** meiduo_alipay_queries_total of one process, by outcome. */
async function queriesCounted(server: ServerProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const counted: Record<string, number> = {};
  for (const [, outcome, value] of text.matchAll(/^meiduo_alipay_queries_total\{outcome="([^"]+)"\} (\S+)$/gm)) {
    counted[outcome!] = Number(value);
  }
  return counted;
}

/** alipay.trade.query's answer while the shopper has not paid yet (code 10000, WAIT_BUYER_PAY). */
function waitingAnswer(orderId: string): Record<string, string> {
  return {
    code: '10000',
    msg: 'Success',
    buyer_logon_id: 'tes***@example.com',
    buyer_pay_amount: '0.00',
    invoice_amount: '0.00',
    out_trade_no: orderId,
    point_amount: '0.00',
    receipt_amount: '0.00',
    total_amount: '88.00',
    trade_no: `2026113022001${orderId.slice(-15)}`,
    trade_status: 'WAIT_BUYER_PAY',
  };
}

/** Which slot (index into offsets) a question asked `sinceAnchorMs` after its anchor falls in; -1 before the first. */
function slotOf(sinceAnchorMs: number, offsetsMs: readonly number[]): number {
  let slot = -1;
  while (slot + 1 < offsetsMs.length && sinceAnchorMs >= offsetsMs[slot + 1]!) slot++;
  return slot;
}

describe('alipay.trade.query from two server processes on one PostgreSQL', { skip }, () => {
  // Polls every 500 ms (half the first offset), and 4 s between slots: room within each slot for the
  // poll and a cold process's first claims and answers, on a busy machine too. Measured on 2 cores at
  // load 3-7, 60 orders, a gateway answering in 20 ms: the last question of a slot came 0.7-2.7 s into it.
  const SCHEDULE = '1s,5s,9s';
  const OFFSETS = [1_000, 5_000, 9_000];
  const ORDERS = 60;
  // A gateway that takes a moment per answer: one process alone cannot sweep all 60 due questions
  // (8 in flight) before the other polls, so both take part.
  const ANSWER_DELAY_MS = 20;

  let gateway: FakeAlipayGateway;
  /** When each order was asked about (the servers' wall clock as its request arrived), in arrival order. */
  const asked = new Map<string, number[]>();
  const total = () => gateway.calls.length;
  let database: { schema: string; drop(): Promise<void> };
  let keysDir: string;
  const servers: ServerProcess[] = [];

  before(async () => {
    // Both key pairs made here with node:crypto: Alipay's signs the fake's answers, the app's our requests.
    const alipayKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keysDir = testTempDir('meiduo-coord-');
    const appPrivateKeyFile = join(keysDir, 'app_private_key.pem');
    writeFileSync(appPrivateKeyFile, appKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    gateway = await FakeAlipayGateway.start(alipayKey.privateKey, appKey.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    gateway.answer = ({ outTradeNo }) => {
      asked.set(outTradeNo, [...(asked.get(outTradeNo) ?? []), wallClock.now().getTime()]);
      return { body: gateway.signedQueryAnswer(waitingAnswer(outTradeNo)), delayMs: ANSWER_DELAY_MS };
    };
    const alipayPublicKeyPem = alipayKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    // Migrated here, once, as `npm run migrate` would: the processes then start on an up-to-date schema.
    database = await freshSchema();
    const env = {
      DATABASE_URL: urlWithSchema(database.schema),
      ALIPAY_GATEWAY: gateway.url,
      ALIPAY_PUBLIC_KEY: alipayPublicKeyPem,
      ALIPAY_APP_ID: APP_ID,
      ALIPAY_SELLER_ID: '',
      APP_PRIVATE_KEY_FILE: appPrivateKeyFile,
      ALIPAY_QUERY_SCHEDULE: SCHEDULE,
      // The fake answers questions about trades only; the daily reconciliation would ask it for a bill after 10:30 Beijing.
      RECONCILE_AT: 'off',
      ADMIN_PASSWORD: 'coordination-test-password',
    };
    servers.push(...(await Promise.all([startServer('process A', env), startServer('process B', env)])));
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await gateway?.close();
    await database?.drop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  it('asks about each unpaid order once per slot, never twice, with both processes doing part of the work', async (t) => {
    const db = openDatabase({ kind: 'postgres', url: url!, schema: database.schema });
    // The servers schedule from their own clock, the machine's: the anchor must be read from it too.
    const anchor = wallClock.now();
    const orderIds = Array.from({ length: ORDERS }, () => newOrderId());
    const row = (order_id: string) => ({
      order_id,
      total_amount: '88.00',
      pay_method: 2,
      status: 1,
      create_time: anchor,
      update_time: anchor,
    });
    try {
      await db.knex('tb_order_info').insert(orderIds.map(row));
    } finally {
      await db.close();
    }

    // The last slot, then time for its answers; then one more second in which nothing may be asked.
    await waitFor(() => wallClock.now().getTime() > anchor.getTime() + OFFSETS.at(-1)! + 1_500, 'the schedule to run out', 60_000);
    await waitFor(() => total() >= ORDERS * OFFSETS.length, `${ORDERS * OFFSETS.length} questions`, 10_000).catch(() => {});
    const settled = total();
    await sleep(1_000);

    const strange = gateway.calls.filter(
      ({ params, signedByApp }) => !signedByApp || params.method !== 'alipay.trade.query' || params.app_id !== APP_ID,
    );
    assert.deepEqual(strange, [], 'every request was an alipay.trade.query for our app, signed with our app key');

    const wrong: string[] = [];
    let latestMs = 0;
    for (const orderId of orderIds) {
      for (const at of asked.get(orderId) ?? []) {
        const slot = slotOf(at - anchor.getTime(), OFFSETS);
        if (slot >= 0) latestMs = Math.max(latestMs, at - anchor.getTime() - OFFSETS[slot]!);
      }
      const slots = (asked.get(orderId) ?? []).map((at) => slotOf(at - anchor.getTime(), OFFSETS));
      if (slots.join() !== OFFSETS.map((_, i) => i).join()) {
        const times = (asked.get(orderId) ?? []).map((at) => `${at - anchor.getTime()}ms`);
        const shown = times.length > 8 ? [...times.slice(0, 8), `… ${times.length} in all`] : times;
        wrong.push(`${orderId}: asked at ${shown.join(', ') || 'never'} after its anchor (slots ${slots.slice(0, 8).join(',')})`);
      }
    }
    assert.deepEqual(
      wrong.length > 10 ? [...wrong.slice(0, 10), `… and ${wrong.length - 10} more orders`] : wrong,
      [],
      `each order asked exactly once in each slot of ${SCHEDULE}`,
    );
    assert.equal(total(), settled, 'nothing is asked once the schedule has run out');
    assert.equal(total(), ORDERS * OFFSETS.length);

    const counted = await Promise.all(servers.map(queriesCounted));
    const perProcess = counted.map((byOutcome) => Object.values(byOutcome).reduce((sum, n) => sum + n, 0));
    for (const [i, byOutcome] of counted.entries()) {
      assert.deepEqual(Object.keys(byOutcome), ['waiting'], `${servers[i]!.name}: every answer verified and read as WAIT_BUYER_PAY`);
      assert.ok(perProcess[i]! > 0, `${servers[i]!.name} asked some of the questions (A ${perProcess[0]}, B ${perProcess[1]})`);
    }
    assert.equal(perProcess[0]! + perProcess[1]!, total(), 'the processes counted exactly the questions the gateway answered');
    t.diagnostic(
      `${total()} questions about ${ORDERS} orders: process A asked ${perProcess[0]}, process B ${perProcess[1]}; ` +
        `the latest came ${latestMs} ms into its slot`,
    );
  });

  it('both processes stop cleanly on SIGTERM', async () => {
    for (const server of servers) {
      const code = await server.stop();
      assert.ok(code === 0 || (isDeno && code === null), `${server.name} exit code ${code}`);
      assert.match(server.output(), /"stopped"/);
      assert.doesNotMatch(server.output(), /cannot claim due Alipay queries|asking Alipay about an order failed/);
    }
  });
});

describe('KnexQueryQueue claims on two connection pools at once', { skip }, () => {
  const ORDERS = 200;
  const OFFSETS = [1_000, 2_000, 3_000];
  const schedule = new QuerySchedule(OFFSETS);
  const T0 = new Date('2026-11-30T02:00:00.000Z');
  // Four claim loops on each pool, a few rows per claim: many transactions race for the same due rows.
  const LOOPS_PER_POOL = 4;
  const LIMIT = 5;

  let database: { schema: string; drop(): Promise<void> };
  const pools: Database[] = [];
  before(async () => {
    database = await freshSchema();
    pools.push(
      openDatabase({ kind: 'postgres', url: url!, schema: database.schema, poolSize: LOOPS_PER_POOL }),
      openDatabase({ kind: 'postgres', url: url!, schema: database.schema, poolSize: LOOPS_PER_POOL }),
    );
  });
  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await database?.drop();
  });

  it('never claims one order twice at one `now`, and claims every due order once per slot', async (t) => {
    const orderIds = Array.from({ length: ORDERS }, (_, i) => `2026113002000000${String(i).padStart(6, '0')}`);
    await pools[0]!
      .knex('tb_order_info')
      .insert(orderIds.map((order_id) => ({ order_id, total_amount: '1.00', pay_method: 2, status: 1, create_time: T0, update_time: T0 })));
    let now = T0;
    const clock = { now: () => now };
    const claimers = pools.map((pool) => new ClaimDueQueries(new KnexQueryQueue(pool.knex), schedule, clock));
    const byPool = [0, 0];

    // Each slot, and moments between slots and after the last, when nothing is due.
    for (const at of [0, 500, 1_000, 1_500, 2_000, 2_999, 3_000, 3_500, 10_000]) {
      now = new Date(T0.getTime() + at);
      const claimed: string[] = [];
      await Promise.all(
        claimers.flatMap((claimer, pool) =>
          Array.from({ length: LOOPS_PER_POOL }, async () => {
            // Bounded, so that a claim that never moves its rows on fails the assertions below, not the run.
            while (claimed.length <= 2 * ORDERS) {
              const ids = await claimer.execute(LIMIT);
              if (ids.length === 0) return;
              claimed.push(...ids);
              byPool[pool]! += ids.length;
            }
          }),
        ),
      );
      const twice = claimed.filter((id, i) => claimed.indexOf(id) !== i);
      assert.equal(twice.length, 0, `at +${at}ms ${twice.length} claims took orders already claimed: ${[...new Set(twice)].slice(0, 5)} …`);
      const due = OFFSETS.includes(at) ? ORDERS : 0;
      assert.equal(claimed.length, due, `at +${at}ms ${due} orders are due`);
    }
    assert.ok(byPool[0]! > 0 && byPool[1]! > 0, `both pools claimed some (${byPool.join(' and ')})`);
    t.diagnostic(`claims by pool: ${byPool.join(' and ')}`);
  });
});

describe('a cluster of two workers: its background process does the daily reconciliation, the workers serve', {
  skip: skip || (isDeno ? 'Deno serves from one process: there is no cluster' : false),
}, () => {
  it("asks Alipay for each catch-up day's bill once, from the background process only", async () => {
    const alipayKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keysDir = testTempDir('meiduo-cluster-');
    const appPrivateKeyFile = join(keysDir, 'app_private_key.pem');
    writeFileSync(appPrivateKeyFile, appKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const gateway = await FakeAlipayGateway.start(
      alipayKey.privateKey,
      appKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    // Every bill is "not out yet": each day is asked about once, then left for half an hour.
    gateway.answer = () => ({ body: gateway.billNotOutYet() });
    const database = await freshSchema();
    let server: ServerProcess | undefined;
    try {
      server = await startServer('the cluster', {
        DATABASE_URL: urlWithSchema(database.schema),
        ALIPAY_GATEWAY: gateway.url,
        ALIPAY_PUBLIC_KEY: alipayKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        ALIPAY_APP_ID: APP_ID,
        APP_PRIVATE_KEY_FILE: appPrivateKeyFile,
        ALIPAY_QUERY_SCHEDULE: 'off',
        RECONCILE_AT: '00:00',
        RECONCILE_CATCH_UP_DAYS: '2',
        WEB_CONCURRENCY: '2',
        ADMIN_PASSWORD: 'cluster-test-password',
      });
      const notOut = () => server!.output().match(/Alipay’s bill is not out yet/g)?.length ?? 0;
      await waitFor(() => notOut() >= 2, 'both catch-up days to be asked about', 60_000);
      await sleep(2_000); // time for any other process to ask too
      const lines = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { role?: string; msg: string; date?: string });
      const asked = lines.filter((line) => line.msg === 'Alipay’s bill is not out yet; will try again');
      assert.equal(new Set(asked.map((line) => line.date)).size, 2, 'two days, each once');
      assert.equal(asked.length, 2);
      assert.deepEqual(
        asked.map((line) => line.role),
        ['background', 'background'],
        'by the background process, which serves nothing',
      );
      const listening = lines.filter((line) => line.msg === 'listening');
      assert.ok(
        listening.length >= 1 && listening.every((line) => line.role === undefined),
        'the workers listen; the background process does not',
      );
      assert.equal(gateway.calls.length, 2);
    } finally {
      await server?.stop();
      await gateway.close();
      await database.drop();
      rmSync(keysDir, { recursive: true, force: true });
    }
  });
});
