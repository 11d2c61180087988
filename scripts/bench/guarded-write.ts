// DATABASE_URL=… node --import tsx scripts/bench/guarded-write.ts [--returns 2000 --rounds 3 --in-flight 16]
// What the guarded write of the common case buys (issue 16), measured in this process on PostgreSQL:
// ConfirmAlipayPayment on the prepared-SQL repository, over unique returns and then their refreshes, in
// three ways: the guarded write first, answering the read when it writes nothing (today's code); the
// guarded write first, then a read of its own; and reading first, as before the guard. It counts
// statements per confirmation and takes CPU µs per confirmation: this process's (verification, parsing,
// the use case, the driver) and PostgreSQL's backends', the latter only when PG_THROWAWAY_DIR names the
// cluster (scripts/throwaway-postgres.sh), so that other clusters on a shared machine are not counted.
import type { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { parseArgs } from 'node:util';
import type { PaymentRepository } from '../../src/application/ports/payment-repository.ts';
import { pooledSql, type Sql } from '../../src/infrastructure/persistence/sql.ts';
import { SqlPaymentRepository } from '../../src/infrastructure/persistence/sql-payment-repository.ts';
import { benchSchema, ordersWithReturns } from './confirmations.ts';
import { progress } from './support.ts';

const { values: args } = parseArgs({
  options: {
    returns: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '16' },
  },
});
const RETURNS = Number(args.returns);
const ROUNDS = Number(args.rounds);
const IN_FLIGHT = Number(args['in-flight']);
const WARM_UP = 300;
const { database, drop } = await benchSchema('bench_guard', 10);

try {
  let statements = 0;
  const pooled = pooledSql(database.knex);
  const counted: Sql = {
    query(statement, values) {
      statements++;
      return pooled.query(statement, values);
    },
  };
  const sql = new SqlPaymentRepository(counted);
  const ways: Record<string, PaymentRepository> = {
    'guarded write answering the read': sql,
    'guarded write, then a read': {
      findTrade: (tradeNo, orderId) => sql.findTrade(tradeNo, orderId),
      record: (payment, order, readStatus) => sql.record(payment, order, readStatus),
      recordIfAwaited: async (awaited) =>
        (await sql.recordIfAwaited(awaited)) === 'recorded' ? 'recorded' : sql.findTrade(awaited.payment.tradeNo, awaited.awaiting.id),
    },
    'read first (before the guard)': {
      findTrade: (tradeNo, orderId) => sql.findTrade(tradeNo, orderId),
      record: (payment, order, readStatus) => sql.record(payment, order, readStatus),
      recordIfAwaited: (awaited) => sql.findTrade(awaited.payment.tradeNo, awaited.awaiting.id),
    },
  };

  const batches = ROUNDS * Object.keys(ways).length;
  const total = WARM_UP * Object.keys(ways).length + batches * RETURNS;
  progress(`seeding ${total.toLocaleString()} UNPAID Alipay orders and signing a return for each`);
  const { parser, returns, confirmWith } = await ordersWithReturns(database, 'G', total);
  let next = 0;
  const take = (count: number) => {
    next += count;
    return returns.slice(next - count, next);
  };

  /** Confirms each return, IN_FLIGHT at a time; statements and CPU µs per return, this process's and PostgreSQL's. */
  async function measure(payments: PaymentRepository, batch: readonly Buffer[], expected: string) {
    const confirm = confirmWith(payments);
    statements = 0;
    const cpu = process.cpuUsage();
    const postgresMs = postgresCpuMs();
    let i = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (i < batch.length) {
          const message = parser.parse(new Uint8Array(batch[i++]!));
          const { outcome } = await confirm.execute({ message, source: 'return' });
          if (outcome !== expected) throw new Error(`${outcome}, not ${expected}`);
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    return {
      statements: statements / batch.length,
      nodeUs: (used.user + used.system) / batch.length,
      postgresUs: postgresMs === null ? null : ((postgresCpuMs()! - postgresMs) * 1000) / batch.length,
    };
  }

  for (const [way, payments] of Object.entries(ways)) {
    const batch = take(WARM_UP);
    await measure(payments, batch, 'recorded');
    await measure(payments, batch, 'duplicate');
    progress(`warmed up: ${way}`);
  }
  const results = new Map(Object.keys(ways).map((way) => [way, [] as Array<{ unique: Sample; refresh: Sample }>]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order of the ways from round to round, so that neither always runs on a warmer cache.
    const order = round % 2 === 0 ? Object.keys(ways) : Object.keys(ways).reverse();
    for (const way of order) {
      const batch = take(RETURNS);
      const unique = await measure(ways[way]!, batch, 'recorded');
      const refresh = await measure(ways[way]!, batch, 'duplicate');
      results.get(way)!.push({ unique, refresh });
      progress(`round ${round + 1}: ${way}: ${describe(unique)} per unique return, ${describe(refresh)} per refresh`);
    }
  }
  const [{ paid }] = (await database.knex.raw('SELECT count(*)::int AS paid FROM tb_order_info WHERE status = 4')).rows;
  const [{ rows }] = (await database.knex.raw('SELECT count(*)::int AS rows FROM tb_payment')).rows;
  if (paid !== total || rows !== total) throw new Error(`${paid} paid orders and ${rows} payment rows for ${total} returns`);

  console.log(
    `\n${RETURNS} returns × ${ROUNDS} rounds per way, ${IN_FLIGHT} in flight, pool 10; median of the rounds. Consistency: ${total} returns, ${rows} payment rows, ${paid} paid orders.\n`,
  );
  console.log('| way | statements per unique return / refresh | CPU µs per unique return: node / PostgreSQL | per refresh |');
  console.log('|---|---|---|---|');
  for (const [way, samples] of results) {
    const unique = median(samples.map((s) => s.unique));
    const refresh = median(samples.map((s) => s.refresh));
    console.log(`| ${way} | ${unique.statements} / ${refresh.statements} | ${cpu(unique)} | ${cpu(refresh)} |`);
  }
} finally {
  await drop();
}

type Sample = { statements: number; nodeUs: number; postgresUs: number | null };

function median(samples: Sample[]): Sample {
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const postgres = samples.map((s) => s.postgresUs).filter((us): us is number => us !== null);
  return {
    statements: middle(samples.map((s) => s.statements)),
    nodeUs: middle(samples.map((s) => s.nodeUs)),
    postgresUs: postgres.length ? middle(postgres) : null,
  };
}

function cpu({ nodeUs, postgresUs }: Sample): string {
  return `${Math.round(nodeUs)} / ${postgresUs === null ? '–' : Math.round(postgresUs)}`;
}

function describe(sample: Sample): string {
  return `${sample.statements} statements, CPU µs ${cpu(sample)}`;
}

/** CPU ms so far of the backends of the cluster in PG_THROWAWAY_DIR; null when there is none to name. */
function postgresCpuMs(): number | null {
  const dir = process.env.PG_THROWAWAY_DIR;
  if (!dir) return null;
  const postmaster = readFileSync(`${dir}/data/postmaster.pid`, 'utf8').split('\n')[0]!;
  const children = execFileSync('pgrep', ['-P', postmaster], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  // utime and stime, the 14th and 15th fields of /proc/PID/stat, in clock ticks of 10 ms.
  return [postmaster, ...children].reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return sum; // a backend that ended between pgrep and the read
    }
  }, 0);
}
