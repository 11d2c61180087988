import type { Knex } from 'knex';
import type { ReconciliationRun } from '../../application/ports/reconciliation-store.ts';
import type { BillSummary } from '../../application/ports/trade-bill.ts';
import { fit } from './column-text.ts';

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
