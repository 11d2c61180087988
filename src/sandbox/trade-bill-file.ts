import { type BillEntry, type BillTotals, crlf, detailFoot, detailHead, detailRow, gbk, summaryText } from './trade-bill-lines.ts';
import { DeflatingEntry, zipArchive, zipOfDeflated } from './zip-writer.ts';

export interface BillFileInput {
  /** 账号: the merchant's Alipay user id and `0156`, as in Alipay's file names. */
  readonly account: string;
  /** The Beijing day, `yyyy-MM-dd`. */
  readonly day: string;
  readonly entries: readonly BillEntry[];
  readonly exportedAt: Date;
}

/**
 * Alipay's daily trade bill zip, written as Alipay writes it: `<account>_<yyyyMMdd>_业务明细.csv` and
 * `…_业务明细(汇总).csv`, GBK with CRLF, `#` comment lines, ids and text cells ending in a tab, refunds
 * negative, the totals lines, entry names in GBK without the zip UTF-8 flag. Independent of the
 * service's reader, which it exists to exercise.
 */
export function tradeBillZip(input: BillFileInput): { fileName: string; zip: Uint8Array } {
  const { account, day, entries, exportedAt } = input;
  const totals = totalsOf(entries);
  const names = fileNames(account, day);
  const detail = [...detailHead(account, day), ...entries.map(detailRow), ...detailFoot(totals, exportedAt)];
  const files: Array<[string, string]> = [
    [names.detail, crlf(detail)],
    [names.summary, summaryText(account, day, totals, exportedAt)],
  ];
  const zip = zipArchive(files.map(([name, text]) => ({ name: gbk(name), data: gbk(text), modified: exportedAt })));
  return { fileName: names.zip, zip };
}

/** What streamedTradeBillZip is given: the day's rows in batches, in the bill's order. */
export interface StreamedBillInput {
  readonly account: string;
  readonly day: string;
  readonly batches: AsyncIterable<readonly BillEntry[]>;
  readonly exportedAt: Date;
}

/**
 * The same zip as tradeBillZip, from rows that come in batches: each batch is written as GBK text and
 * deflated as it comes, so that memory holds one batch and the compressed bytes, never the day's text.
 */
export async function streamedTradeBillZip(input: StreamedBillInput): Promise<{ fileName: string; zip: Uint8Array; rows: number }> {
  const { account, day, exportedAt } = input;
  const names = fileNames(account, day);
  const detail = new DeflatingEntry(gbk(names.detail), exportedAt);
  const totals = { trades: { count: 0, fen: 0 }, refunds: { count: 0, fen: 0 } };
  await detail.write(gbk(crlf(detailHead(account, day))));
  for await (const batch of input.batches) {
    if (batch.length === 0) continue;
    for (const entry of batch) {
      const total = entry.kind === 'trade' ? totals.trades : totals.refunds;
      total.count += 1;
      total.fen += entry.amountFen;
    }
    await detail.write(gbk(crlf(batch.map(detailRow))));
  }
  await detail.write(gbk(crlf(detailFoot(totals, exportedAt))));
  const summary = gbk(summaryText(account, day, totals, exportedAt));
  const summaryEntry = new DeflatingEntry(gbk(names.summary), exportedAt);
  await summaryEntry.write(summary);
  const zip = zipOfDeflated([await detail.end(), await summaryEntry.end()]);
  return { fileName: names.zip, zip, rows: totals.trades.count + totals.refunds.count };
}

function fileNames(account: string, day: string): { zip: string; detail: string; summary: string } {
  const stem = `${account}_${day.replaceAll('-', '')}`;
  return { zip: `${stem}.csv.zip`, detail: `${stem}_业务明细.csv`, summary: `${stem}_业务明细(汇总).csv` };
}

function totalsOf(entries: readonly BillEntry[]): BillTotals {
  const trades = entries.filter((entry) => entry.kind === 'trade');
  const refunds = entries.filter((entry) => entry.kind === 'refund');
  return { trades: { count: trades.length, fen: sum(trades) }, refunds: { count: refunds.length, fen: sum(refunds) } };
}

function sum(entries: readonly BillEntry[]): number {
  return entries.reduce((total, entry) => total + entry.amountFen, 0);
}
