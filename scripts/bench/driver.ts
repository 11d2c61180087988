// DATABASE_URL=… npm run bench:driver [-- --refreshes 4000 --rounds 3 --in-flight 8]
// The driver lever of issue 16: what each part of pg's query path costs this process, on the one statement
// a refresh sends (the guarded write, which writes nothing and answers the stored row). The statements and
// values of real refreshes are recorded through the prepared-SQL repository, then replayed through each
// way of sending them; then a notify's timeline event through knex's query builder and as the adapter's
// prepared statement; last, whole refreshes through ConfirmAlipayPayment on today's Sql and on pg.Pool.
// 8 in flight and a pool of 10, as each of the bench's two workers sees 16 connections.
import process from 'node:process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pooledSql, type Sql, type Statement } from '../../src/infrastructure/persistence/sql.ts';
import { SqlPaymentEventLog } from '../../src/infrastructure/persistence/sql-payment-event-log.ts';
import { SqlPaymentRepository } from '../../src/infrastructure/persistence/sql-payment-repository.ts';
import { benchSchema, ordersWithReturns } from './confirmations.ts';
import { progress } from './support.ts';

const { values: args } = parseArgs({
  options: {
    refreshes: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '8' },
  },
});
const REFRESHES = Number(args.refreshes);
const ROUNDS = Number(args.rounds);
const IN_FLIGHT = Number(args['in-flight']);
const POOL = 10;
const EVENT_SUMMARY = 'TRADE_SUCCESS ¥88.80 (trade 2026113022001404170501234567): payment recorded';
const { url, schema, database, drop } = await benchSchema('bench_driver', POOL);
const pool = new pg.Pool({ connectionString: url, max: POOL, options: `-c search_path=${schema}` });

/** The Sql port on pg.Pool: no knex pool hop. */
const poolSql: Sql = {
  async query<Row>({ name, text }: Statement, values: readonly unknown[]) {
    const result = await pool.query({ name, text, values: values as unknown[] });
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  },
};

try {
  progress(`seeding ${REFRESHES.toLocaleString()} orders, confirming a return for each`);
  const { parser, returns, confirmWith } = await ordersWithReturns(database, 'D', REFRESHES);
  const confirmOn = (sql: Sql) => confirmWith(new SqlPaymentRepository(sql));
  const confirmAll = async (sql: Sql, expected: string) => {
    const confirm = confirmOn(sql);
    await lanes(returns.length, async (i) => {
      const { outcome } = await confirm.execute({ message: parser.parse(new Uint8Array(returns[i]!)), source: 'return' });
      if (outcome !== expected) throw new Error(`${outcome}, not ${expected}`);
    });
  };
  await confirmAll(pooledSql(database.knex), 'recorded');

  const sent: Array<{ statement: Statement; values: readonly unknown[] }> = [];
  const recording: Sql = {
    query(statement, values) {
      sent.push({ statement, values });
      return pooledSql(database.knex).query(statement, values);
    },
  };
  await confirmAll(recording, 'duplicate');
  if (sent.length !== REFRESHES) throw new Error(`${sent.length} statements for ${REFRESHES} refreshes`);

  // Clients of their own, outside the pool measured above.
  const lanesOfClients = await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      return client;
    }),
  );
  const onClient = (config: (n: number) => pg.QueryConfig) => (i: number, lane: number) => lanesOfClients[lane]!.query(config(i));
  const named = (i: number) => ({ name: sent[i]!.statement.name, text: sent[i]!.statement.text, values: sent[i]!.values as unknown[] });
  const ways: Array<[string, (i: number, lane: number) => Promise<unknown>]> = [
    ["today: knex's pool lends a pg client, named statement", (i) => pooledSql(database.knex).query(sent[i]!.statement, sent[i]!.values)],
    ['pg.Pool.query, named statement', (i) => pool.query(named(i))],
    ['one pg client per lane, no pool: named statement', onClient(named)],
    ['one pg client per lane: unnamed (parsed and planned each time)', onClient((i) => ({ text: named(i).text, values: named(i).values }))],
    ["one pg client per lane: rowMode 'array'", onClient((i) => ({ ...named(i), rowMode: 'array' }))],
    [
      'one pg client per lane: Dates sent as ISO strings',
      onClient((i) => ({ ...named(i), values: named(i).values.map((v) => (v instanceof Date ? v.toISOString() : v)) })),
    ],
  ];
  // A notify's timeline event, through knex's query builder and as the prepared statement the adapter sends.
  const knexEvents = (i: number) =>
    database.knex('tb_payment_event').insert({ order_id: `D${i}`, create_time: new Date(), kind: 'notify', summary: EVENT_SUMMARY });
  const events = new SqlPaymentEventLog(database.knex, pooledSql(database.knex));
  ways.push(
    ["a notify's timeline event: knex's query builder INSERT", knexEvents],
    [
      "a notify's timeline event: the adapter's prepared INSERT (today)",
      (i) => events.append({ orderId: `D${i}`, at: new Date(), kind: 'notify', summary: EVENT_SUMMARY }),
    ],
  );
  const wholeWays: Array<[string, Sql]> = [
    ['whole refresh (parse, verify, use case): today', pooledSql(database.knex)],
    ['whole refresh: on pg.Pool', poolSql],
  ];
  const results = new Map<string, number[]>();
  const note = (way: string, us: number) => results.set(way, [...(results.get(way) ?? []), us]);
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [way, send] of ways) {
      const us = await cpuPerCall(REFRESHES, () => lanes(REFRESHES, send));
      if (round > 0) note(way, us); // round 0 warms up
    }
    for (const [way, sql] of wholeWays) {
      const us = await cpuPerCall(REFRESHES, () => confirmAll(sql, 'duplicate'));
      if (round > 0) note(way, us);
    }
    if (round > 0) progress(`round ${round} of ${ROUNDS} done`);
  }
  await Promise.all(lanesOfClients.map((client) => client.end()));

  console.log(
    `\nCPU µs of this process per statement (a refresh's, or a timeline event), ${REFRESHES.toLocaleString()} refreshes × ${ROUNDS} rounds, ${IN_FLIGHT} in flight, pool ${POOL}; median of the rounds\n`,
  );
  console.log('| way | CPU µs |\n|---|---|');
  for (const [way, samples] of results) console.log(`| ${way} | ${median(samples).toFixed(0)} |`);
  console.log(`\nReproduce: DATABASE_URL=… npm run bench:driver -- --refreshes ${REFRESHES} --rounds ${ROUNDS} --in-flight ${IN_FLIGHT}`);
} finally {
  await pool.end();
  await drop();
}

/** Runs `count` calls, IN_FLIGHT at a time; each lane is told its number. */
async function lanes(count: number, call: (i: number, lane: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      while (next < count) await call(next++, lane);
    }),
  );
}

async function cpuPerCall(calls: number, run: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
