import type { BillProblem, BillRow } from '../../../application/ports/trade-bill.ts';
import type { ColumnIndex } from './bill-header.ts';
import { recordsOf, type SourceLine } from './bill-records.ts';
import { reader, rowOf } from './bill-row.ts';
import { type BillEncoding, pieceReader } from './bill-text.ts';

/** The rows of some data lines, in line order, and why each other line is not one. */
export function rowsOfLines(
  lines: readonly SourceLine[],
  columns: ColumnIndex,
  encoding: BillEncoding,
): { rows: BillRow[]; problems: BillProblem[] } {
  const { records, problems } = recordsOf(lines, encoding);
  const read = reader(pieceReader(encoding));
  const rows: BillRow[] = [];
  for (const record of records) {
    const row = rowOf(record, columns, read);
    if (typeof row === 'string') problems.push({ line: record.line, reason: row });
    else rows.push(row);
  }
  return { rows, problems };
}
