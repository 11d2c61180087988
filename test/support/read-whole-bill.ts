import type { BillRow, TradeBill, TradeBillSource } from '../../src/application/ports/trade-bill.ts';

/** A day's whole bill from a source, its batches gathered: for tests of small bills. */
export async function readWholeBill(source: TradeBillSource, date: string): Promise<TradeBill | 'not_ready'> {
  const rows: BillRow[] = [];
  const summary = await source.read(date, async (batch) => {
    rows.push(...batch);
  });
  return summary === 'not_ready' ? summary : { ...summary, rows };
}
