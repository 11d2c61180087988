// `npm run bench:bill [-- --rows 100000 --runs 5]`: how long reading Alipay's daily trade bill takes:
// a zip as the sandbox writes it (GBK, deflated, tab-suffixed ids, one refund in twenty), unzipped,
// decoded and parsed by header names into rows. No database, no network.
import { availableParallelism, loadavg } from 'node:os';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { parseTradeBill } from '../../src/infrastructure/alipay/bill/parse-trade-bill.ts';
import { tradeBillZip } from '../../src/sandbox/trade-bill-file.ts';
import type { BillEntry } from '../../src/sandbox/trade-bill-lines.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(runs) || runs < 1) {
  process.stderr.write('bench:bill: --rows and --runs must be whole numbers above 0\n');
  process.exit(2);
}

const day = '2026-11-30';
const midnight = Date.parse('2026-11-30T00:00:00+08:00');
const entries: BillEntry[] = [];
for (let i = 0; i < rows; i++) {
  const at = new Date(midnight + Math.floor((i / rows) * 86_399_000));
  const refund = i % 20 === 19;
  entries.push({
    kind: refund ? 'refund' : 'trade',
    tradeNo: `2026113022001${String(i).padStart(15, '0')}`,
    outTradeNo: `20261130${String(i).padStart(15, '0')}`,
    subject: `美多商城订单 20261130${String(i).padStart(15, '0')}`,
    createdAt: new Date(at.getTime() - 5_000),
    finishedAt: at,
    amountFen: (refund ? -1 : 1) * (100 + ((i * 7919) % 999_900)),
    refundNo: refund ? `RF${i}` : '',
    counterparty: 'tes***@example.com',
  });
}
const built = performance.now();
const { zip } = tradeBillZip({ account: '20880000000000020156', day, entries, exportedAt: new Date() });
process.stderr.write(
  `bench:bill: wrote a bill of ${rows} rows, ${(zip.length / 1e6).toFixed(1)} MB zipped, in ${ms(performance.now() - built)}\n`,
);

const times: number[] = [];
const cpuTimes: number[] = [];
let cold = 0;
for (let run = 0; run <= runs; run++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const bill = parseTradeBill(zip);
  const elapsed = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  if (bill.rows.length !== rows || bill.problems.length !== 0)
    throw new Error(`read ${bill.rows.length} rows, ${bill.problems.length} problems`);
  // The first run warms the JIT up and is not counted.
  if (run > 0) {
    times.push(elapsed);
    cpuTimes.push((user + system) / 1000);
  } else cold = elapsed;
  process.stderr.write(`bench:bill: run ${run}${run === 0 ? ' (warm-up)' : ''}: ${ms(elapsed)} (CPU ${ms((user + system) / 1000)})\n`);
}
const median = middle(times);
const runtime =
  'Deno' in globalThis ? `Deno ${(globalThis as { Deno?: { version: { deno: string } } }).Deno?.version.deno}` : `Node ${process.version}`;
process.stdout.write(
  [
    `parseTradeBill, ${rows} rows (${(zip.length / 1e6).toFixed(1)} MB zipped), ${runtime}:`,
    `  median ${ms(median)}, fastest ${ms(Math.min(...times))}, slowest ${ms(Math.max(...times))} over ${runs} runs (${Math.round(rows / (median / 1000))} rows/s); the first, cold, ${ms(cold)}`,
    `  CPU time of the process (GC threads included), median ${ms(middle(cpuTimes))}; load average when done ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} on ${availableParallelism()} CPUs`,
    `  command: ${'Deno' in globalThis ? 'deno run -A scripts/bench/bill.ts' : 'npm run bench:bill --'} --rows ${rows} --runs ${runs}`,
    '',
  ].join('\n'),
);

function middle(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}
