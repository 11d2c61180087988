import type { Container } from 'inversify';
import { BillUnreadable } from '../application/errors.ts';
import { ExportReconciliationDay } from '../application/export-reconciliation-day.ts';
import type { ReconciliationItem, ReconciliationRun } from '../application/ports/reconciliation-store.ts';
import { ReconcileDay } from '../application/reconcile-day.ts';
import { ExitCode } from '../bootstrap/exit-codes.ts';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import type { CommandRun } from './command.ts';
import { readReconcileCommand } from './reconcile-command.ts';
import { isRefusal, refuse } from './refusal.ts';
import { textTable } from './text-table.ts';

/** Distinct from a failure (1) and a bad command (2): try again tomorrow morning. */
const EXIT_NOT_READY = 3;

/** `npm run reconcile -- --date YYYY-MM-DD`: compares that day's Alipay trade bill with our payments. */
export const runReconcile: CommandRun = async (argv, io, host) => {
  const command = readReconcileCommand(argv, beijingTimestamp(new Date()).slice(0, 10));
  if (isRefusal(command)) return refuse(io, command);
  const { date, json } = command;
  const result = await host
    .withAlipay(async ({ container }) => {
      const reconciled = await container.get(ReconcileDay).execute(date, ({ rowsRead, classified }) => {
        io.stderr(`reconcile: ${date}: ${rowsRead} bill rows read, ${classified} classified`);
      });
      return reconciled === 'not_ready' ? reconciled : { run: reconciled.run, discrepancies: await discrepanciesOf(container, date) };
    })
    .catch((error: unknown) => {
      if (!(error instanceof BillUnreadable)) throw error;
      io.stderr(`reconcile: cannot read the bill for ${date}: ${error.message}`);
      return null;
    });
  if (result === null) return ExitCode.FAILURE;
  if (result === 'not_ready') {
    io.stderr(`reconcile: the bill for ${date} is not ready yet; Alipay publishes it the next morning (after about 10:00 Beijing time)`);
    return EXIT_NOT_READY;
  }
  io.stdout(json ? JSON.stringify(jsonOf(result)) : summary(result));
  return 0;
};

interface Result {
  readonly run: ReconciliationRun;
  readonly discrepancies: readonly ReconciliationItem[];
}

/** Every item of the day but the matched ones, which the store lists last. */
async function discrepanciesOf(container: Container, date: string): Promise<ReconciliationItem[]> {
  const listed = await container.get(ExportReconciliationDay).execute(date, {});
  const discrepancies: ReconciliationItem[] = [];
  for await (const entry of listed?.items ?? []) {
    if (entry.kind === 'matched') break;
    discrepancies.push(entry);
  }
  return discrepancies;
}

function jsonOf({ run, discrepancies }: Result) {
  // Every kind a run writes; the legacy 'refund' of runs before refunds were compared is never one.
  const { refund: _legacy, ...counts } = run.counts;
  return {
    date: run.date,
    status: 'done',
    counts,
    deferred: run.deferred,
    items: discrepancies.map((entry) => ({
      kind: entry.kind,
      order_id: entry.orderId,
      trade_no: entry.tradeNo,
      local_amount: yuan(entry.localAmountFen),
      bill_amount: yuan(entry.billAmountFen),
      ...(entry.refundNo === null ? {} : { out_request_no: entry.refundNo }),
    })),
  };
}

/** A few lines of totals, then the discrepancies as a table. */
function summary({ run, discrepancies }: Result): string {
  const counts = Object.entries(run.counts)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const lines = [
    `reconcile: ${run.date} done: ${counts}`,
    `  bill: ${run.billTotals ? `${run.billTotals.trades.count} trades ¥${yuan(run.billTotals.trades.amountFen)}, ${run.billTotals.refunds.count} refunds ¥${yuan(run.billTotals.refunds.amountFen)}` : 'states no totals'}`,
    `  ours: ${run.localTotals.count} payments recorded that day, ¥${yuan(run.localTotals.amountFen)}`,
  ];
  if (run.deferred > 0) lines.push(`  ${run.deferred} payments or refunds of just before midnight wait for the next day's bill`);
  if (run.problems.length > 0) lines.push(`  ${run.problems.length} bill lines could not be read: ${run.problems.slice(0, 3).join('; ')}`);
  if (discrepancies.length === 0) return [...lines, '  no discrepancies'].join('\n');
  const rows = [['kind', 'order_id', 'trade_no', 'ours', 'bill'], ...discrepancies.map(cells)];
  return [...lines, '', ...textTable(rows, '  ')].join('\n');
}

const cells = (entry: ReconciliationItem) => [
  entry.kind,
  entry.orderId,
  entry.tradeNo,
  yuan(entry.localAmountFen) ?? '-',
  yuan(entry.billAmountFen) ?? '-',
];

function yuan(fen: number | null): string | null {
  if (fen === null) return null;
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
