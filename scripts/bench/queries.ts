// npm run bench:queries [-- --orders 1000 --trickle 0 --hours 48 --schedule 1m,5m,15m,1h,6h,24h]
// How many alipay.trade.query calls an idle shop sends, and how much SQL a process runs to poll for
// them: the real ClaimDueQueries and KnexQueryQueue on in-memory PGlite, driven by a fake clock at the
// scheduler's poll interval (no real waiting, no HTTP). Each order claimed is one query to Alipay; no
// answer ever comes, so every order stays UNPAID for the whole schedule (the worst case).
import process from 'node:process';
import { parseArgs } from 'node:util';
import { ClaimDueQueries } from '../../src/application/claim-due-queries.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';
import { formatDuration, parseDuration } from '../../src/infrastructure/durations.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { KnexQueryQueue } from '../../src/infrastructure/persistence/knex-query-queue.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { progress } from './support.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    trickle: { type: 'string', default: '0' },
    hours: { type: 'string', default: '48' },
    schedule: { type: 'string', default: '1m,5m,15m,1h,6h,24h' },
  },
});
const ORDERS = wholeNumber('--orders', values.orders);
const TRICKLE_PER_HOUR = wholeNumber('--trickle', values.trickle);
const HOURS = wholeNumber('--hours', values.hours);
const offsets = values.schedule.split(',').map(parseDuration);
if (offsets.some((ms) => ms === null)) usage(`--schedule ${values.schedule}: durations such as 1m,5m,15m,1h,6h,24h`);
const schedule = new QuerySchedule(offsets as number[]);

// As src/interfaces/scheduler/query-scheduler.ts: half the first offset, within [100 ms, 10 s], and at
// most 8 questions in flight; with answers that come at once, a poll claims 8 at a time until fewer come.
const POLL_MS = Math.min(10_000, Math.max(100, schedule.offsetsMs[0]! / 2));
const MAX_IN_FLIGHT = 8;
const HOUR = 3_600_000;
const T0 = new Date('2026-11-30T00:00:00.000Z');
// The process's polls fall at no particular moment of the orders' schedules: the first comes this
// long after the orders are placed, so questions come up to one poll interval after their slots.
const POLL_PHASE_MS = Math.round(POLL_MS * 0.7);

const database = openDatabase({ kind: 'pglite', dataDir: null });
const { knex } = database;
try {
  await migrate(knex);
  let now = T0;
  const claim = new ClaimDueQueries(new KnexQueryQueue(knex), schedule, { now: () => now });
  let statements = 0;
  knex.on('query', () => statements++);

  const anchors = new Map<string, number>();
  let placed = 0;
  const place = async (count: number, at: Date) => {
    const rows = Array.from({ length: count }, () => {
      placed += 1;
      const orderId = `2026113000000${String(placed).padStart(10, '0')}`;
      anchors.set(orderId, at.getTime());
      return { order_id: orderId, total_amount: '88.00', pay_method: 2, status: 1, create_time: at, update_time: at };
    });
    for (let i = 0; i < rows.length; i += 1000) await knex('tb_order_info').insert(rows.slice(i, i + 1000));
  };

  progress(`placing ${ORDERS} unpaid Alipay orders at once${TRICKLE_PER_HOUR ? `, then ${TRICKLE_PER_HOUR} an hour` : ''}`);
  await place(ORDERS, T0);
  const placingStatements = statements;
  statements = 0;

  const perHour = Array.from({ length: HOURS }, () => ({ queries: 0, statements: 0, polls: 0 }));
  const asked = new Map<string, number>();
  let latestMs = 0;
  let trickled = 0;
  const started = performance.now();
  for (let t = POLL_PHASE_MS; t < HOURS * HOUR; t += POLL_MS) {
    now = new Date(T0.getTime() + t);
    const hour = perHour[Math.floor(t / HOUR)]!;
    // The trickle: orders placed since the last poll, each at its own moment (not counted as polling).
    const due = Math.floor((t * TRICKLE_PER_HOUR) / HOUR);
    for (; trickled < due; trickled++) {
      const before = statements;
      await place(1, new Date(T0.getTime() + Math.floor(((trickled + 1) * HOUR) / TRICKLE_PER_HOUR)));
      statements = before;
    }
    const before = statements;
    for (;;) {
      const orderIds = await claim.execute(MAX_IN_FLIGHT);
      for (const orderId of orderIds) {
        asked.set(orderId, (asked.get(orderId) ?? 0) + 1);
        const sinceAnchor = t - (anchors.get(orderId)! - T0.getTime());
        const slotStart = schedule.offsetsMs.filter((offset) => offset <= sinceAnchor).at(-1) ?? 0;
        latestMs = Math.max(latestMs, sinceAnchor - slotStart);
      }
      hour.queries += orderIds.length;
      if (orderIds.length < MAX_IN_FLIGHT) break;
    }
    hour.statements += statements - before;
    hour.polls += 1;
    if (Math.floor(t / (6 * HOUR)) !== Math.floor((t - POLL_MS) / (6 * HOUR)) && t > POLL_MS) {
      progress(`  ${Math.floor(t / HOUR)} simulated hours`);
    }
  }
  const seconds = (performance.now() - started) / 1000;

  // Orders whose whole schedule fits in the simulation: how many times each was asked about.
  const complete = [...anchors].filter(([, anchor]) => anchor - T0.getTime() + schedule.horizonMs + POLL_MS <= HOURS * HOUR);
  const counts = complete.map(([orderId]) => asked.get(orderId) ?? 0);
  const sum = (rows: typeof perHour) => rows.reduce((total, row) => total + row.queries, 0);
  const idle = perHour.filter((row) => row.queries === 0);
  const idlePerHour = idle.length ? Math.round(idle.reduce((total, row) => total + row.statements, 0) / idle.length) : null;
  const idlePerPoll = idle.length
    ? idle.reduce((total, row) => total + row.statements, 0) / idle.reduce((n, row) => n + row.polls, 0)
    : null;

  const scheduleText = values.schedule;
  console.log(
    `\nAlipay queries from one shop: ${ORDERS} unpaid orders placed at once${TRICKLE_PER_HOUR ? ` and ${TRICKLE_PER_HOUR} more an hour` : ''}, ` +
      `none ever paid; schedule ${scheduleText}; one process polling every ${formatDuration(POLL_MS)}; ${HOURS} simulated hours`,
  );
  console.log('| hours | queries to Alipay per hour | SQL statements per hour (discovery and claims) |');
  console.log('|---|---|---|');
  for (let from = 0; from < HOURS; ) {
    let to = from;
    while (to + 1 < HOURS && same(perHour[to + 1]!, perHour[from]!)) to++;
    const row = perHour[from]!;
    console.log(`| ${from === to ? `${from}–${from + 1}` : `${from}–${to + 1} (each)`} | ${row.queries} | ${row.statements} |`);
    from = to + 1;
  }
  console.log(`\nfirst hour (0–1 h): ${sum(perHour.slice(0, 1))} queries`);
  console.log(`hours 1–24:         ${sum(perHour.slice(1, 24))} queries`);
  console.log(`the 24 h slot:      ${sum(perHour.slice(24, 25))} queries (asked in hour 24–25, up to one poll after 24 h)`);
  console.log(`after 25 h:         ${sum(perHour.slice(25))} queries`);
  console.log(`in all:             ${sum(perHour)} queries`);
  if (counts.length) {
    console.log(
      `per order (the ${counts.length} whose ${formatDuration(schedule.horizonMs)} schedule ended in the simulation): ` +
        `${Math.min(...counts)}–${Math.max(...counts)} queries, ${(counts.reduce((a, b) => a + b, 0) / counts.length).toFixed(2)} on average ` +
        `(${schedule.offsetsMs.length} slots); each asked at most ${latestMs / 1000} s after its slot began`,
    );
  }
  if (idlePerHour !== null) {
    console.log(
      `SQL an idle process runs to poll: ${idlePerHour} statements per hour (${idlePerPoll!.toFixed(1)} per poll, ` +
        `${Math.round(HOUR / POLL_MS)} polls an hour), averaged over the ${idle.length} hours without a query`,
    );
  }
  console.log(
    `(placing the ${ORDERS} orders at once took ${placingStatements} SQL statement(s), not counted, nor are the trickle's; ` +
      `simulated in ${seconds.toFixed(1)} s of real time)`,
  );
  console.log(
    `\nReproduce: npm run bench:queries -- --orders ${ORDERS} --trickle ${TRICKLE_PER_HOUR} --hours ${HOURS} --schedule ${scheduleText}   (in-memory PGlite, fake clock)`,
  );
} finally {
  await database.close();
}

function same(a: { queries: number; statements: number }, b: { queries: number; statements: number }): boolean {
  return a.queries === b.queries && a.statements === b.statements;
}

function wholeNumber(name: string, value: string): number {
  if (!/^[0-9]+$/.test(value)) usage(`${name} ${value}: a whole number`);
  return Number(value);
}

function usage(problem: string): never {
  console.error(
    `bench:queries: ${problem}\nusage: npm run bench:queries -- [--orders N] [--trickle N per hour] [--hours N] [--schedule 1m,5m,…]`,
  );
  process.exit(2);
}
