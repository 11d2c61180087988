import type { Knex } from 'knex';
import type { ItemCounts, ReconciliationRun } from '../../application/ports/reconciliation-store.ts';
import type { BillSummary } from '../../application/ports/trade-bill.ts';
import { beijingMidnight } from '../../domain/beijing-time.ts';
import { ITEM_KINDS, type ItemKind } from '../../domain/reconciliation.ts';
import { fit } from './column-text.ts';
import { FEN, LONG } from './staged-bill-sql.ts';

const MAX_PROBLEMS_KEPT = 20;

/** The lines of the bill read past, as a run keeps them: the first few, and how many more there were. */
export function runProblems(bill: Pick<BillSummary, 'problems' | 'problemCount'>): string[] {
  const kept = bill.problems.slice(0, MAX_PROBLEMS_KEPT).map((problem) => `第 ${problem.line} 行：${problem.reason}`);
  const more = bill.problemCount - kept.length;
  return more > 0 ? [...kept, `另有 ${more} 行无法读取`] : kept;
}

/** Writes the day's tb_reconciliation_run row, or replaces it; taking its lock serialises runs of one day. */
export async function saveRunRow(trx: Knex.Transaction, run: ReconciliationRun): Promise<void> {
  await trx('tb_reconciliation_run')
    .insert({
      bill_date: run.date,
      finished_at: run.finishedAt,
      counts: JSON.stringify(run.counts),
      bill_totals: run.billTotals === null ? null : JSON.stringify(run.billTotals),
      local_count: run.localTotals.count,
      local_amount: run.localTotals.amountFen,
      deferred: run.deferred,
      problems: JSON.stringify(run.problems.map((problem) => fit(problem))),
    })
    .onConflict('bill_date')
    .merge();
}

/** The day's items counted by kind. */
export async function countItems(trx: Knex.Transaction, date: string): Promise<ItemCounts> {
  const rows = (await trx('tb_reconciliation_item')
    .select('kind')
    .count({ n: '*' })
    .where('bill_date', date)
    .groupBy('kind')
    .options(LONG)) as Array<{ kind: ItemKind; n: string | number }>;
  const counts = zeroCounts();
  for (const row of rows) counts[row.kind] = Number(row.n);
  return counts;
}

/** The day's payments as we recorded them: how many, and how much. */
export async function localTotals(trx: Knex.Transaction, date: string): Promise<ReconciliationRun['localTotals']> {
  const { rows } = await trx
    .raw(
      `SELECT count(*) AS n, coalesce(sum(${FEN('amount')}), 0) AS fen FROM tb_payment
     WHERE create_time >= ? AND create_time < ? AND trade_id IS NOT NULL`,
      [beijingMidnight(date), beijingMidnight(date, 1)],
    )
    .options(LONG);
  const [row] = rows as Array<{ n: string | number; fen: string | number }>;
  return { count: Number(row?.n ?? 0), amountFen: Number(row?.fen ?? 0) };
}

export const zeroCounts = () => Object.fromEntries(ITEM_KINDS.map((kind) => [kind, 0])) as Record<ItemKind, number>;
