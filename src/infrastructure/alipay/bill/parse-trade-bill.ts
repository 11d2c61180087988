import type { BillRow, BillSummary, TradeBill } from '../../../application/ports/trade-bill.ts';
import { slicesOf } from './bill-bytes.ts';
import { BILL_INFLATE_LIMITS, type InflateLimits, inflatedSlices } from './bill-inflate.ts';
import { DEFAULT_BATCH_ROWS, readTradeBillChunks } from './bill-reader.ts';
import { detailEntryOf } from './bill-zip.ts';

export interface ReadTradeBillOptions {
  /** The most rows in one batch; 5,000 by default. */
  readonly batchRows?: number;
  /** How far the detail file may inflate; BILL_INFLATE_LIMITS by default. */
  readonly limits?: InflateLimits;
  /** How many of the detail entry's bytes are inflated at a time (see inflatedSlices); for tests. */
  readonly sliceBytes?: number;
}

// A CSV handed over whole is still decoded and split a piece at a time: its text is never held whole.
const CSV_SLICE_BYTES = 64 * 1024;

/**
 * Alipay's daily trade bill, from the zip that `bill_download_url` serves, read in bounded memory: the
 * detail file is inflated a slice at a time and yields its well-formed rows in batches, in the file's
 * order; its summary (account, period, the totals written after the rows, the problems) is the
 * generator's return value. Holds the zip, one slice of text and one batch of rows, never the file.
 * @throws BillUnreadable (from `next()`) when the zip holds no detail file, it inflates past the limits,
 *   or the file has no header row or lacks a required column; batches yielded before stand
 */
export function* readTradeBill(zip: Uint8Array, options: ReadTradeBillOptions = {}): Generator<BillRow[], BillSummary, void> {
  const detail = detailEntryOf(zip);
  const bytes = inflatedSlices(detail, options.limits ?? BILL_INFLATE_LIMITS, options.sliceBytes);
  return yield* readTradeBillChunks(bytes, detail.name, options.batchRows ?? DEFAULT_BATCH_ROWS);
}

/**
 * The whole bill at once, every row in memory: for tests, tools and small bills. Read as readTradeBill
 * reads it.
 * @throws BillUnreadable as readTradeBill does
 */
export function parseTradeBill(zip: Uint8Array): TradeBill {
  return whole(readTradeBill(zip));
}

/** The detail file alone (`…_业务明细.csv`), whole: GBK or UTF-8, BOM or not, CRLF or LF. */
export function parseTradeBillCsv(bytes: Uint8Array, file = '业务明细.csv'): TradeBill {
  return whole(readTradeBillChunks(slicesOf(bytes, CSV_SLICE_BYTES), file));
}

function whole(batches: Generator<BillRow[], BillSummary, void>): TradeBill {
  const rows: BillRow[] = [];
  for (let next = batches.next(); ; next = batches.next()) {
    if (next.done) return { ...next.value, rows };
    for (const row of next.value) rows.push(row);
  }
}
