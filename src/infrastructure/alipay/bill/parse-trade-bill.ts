import { BillUnreadable } from '../../../application/errors.ts';
import type { BillProblem, BillRow, TradeBill } from '../../../application/ports/trade-bill.ts';
import { type CommentLine, metadataOf } from './bill-comments.ts';
import { columnIndex } from './bill-header.ts';
import { recordsOf, type SourceLine } from './bill-records.ts';
import { reader, rowOf } from './bill-row.ts';
import { billText } from './bill-text.ts';
import { detailFileOf } from './bill-zip.ts';

/**
 * Alipay's daily trade bill, from the zip that `bill_download_url` serves: its detail file read by
 * header names, each malformed row reported with its line and skipped.
 * @throws BillUnreadable when the zip holds no detail file, or the file has no header row or lacks a
 *   required column
 */
export function parseTradeBill(zip: Uint8Array): TradeBill {
  const { name, bytes } = detailFileOf(zip);
  return parseTradeBillCsv(bytes, name);
}

/** The detail file alone (`…_业务明细.csv`): GBK or UTF-8, BOM or not, CRLF or LF. */
export function parseTradeBillCsv(bytes: Uint8Array, file = '业务明细.csv'): TradeBill {
  const source = billText(bytes);
  const { comments, header, data } = linesOf(source.text);
  if (header === undefined) throw new BillUnreadable(`the bill's detail file ${file} has no header row, only # comments`);
  const names = recordsOf([header], source.encoding).records[0]?.cells;
  if (!names) throw new BillUnreadable(`the bill's header row (line ${header.line}) is not CSV`);
  const columns = columnIndex(names.map(source.read), header.line);
  const { records, problems } = recordsOf(data, source.encoding);
  const rows: BillRow[] = [];
  const read = reader(source);
  for (const record of records) {
    const row = rowOf(record, columns, read);
    if (typeof row === 'string') problems.push({ line: record.line, reason: row });
    else rows.push(row);
  }
  const metadata = metadataOf(comments.map(({ line, text }) => ({ line, text: source.read(text) })));
  return {
    file,
    account: metadata.account,
    period: metadata.period,
    rows,
    totals: metadata.totals,
    problems: [...problems, ...metadata.problems].sort((a: BillProblem, b: BillProblem) => a.line - b.line),
  };
}

/**
 * `#` lines, the header row (the first other line that is not blank), and the lines after it. A CRLF
 * line keeps its CR: every cell read is trimmed, and the CR is the last cell's.
 */
function linesOf(text: string): { comments: CommentLine[]; header?: SourceLine; data: SourceLine[] } {
  const comments: CommentLine[] = [];
  const data: SourceLine[] = [];
  let header: SourceLine | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const line = i + 1;
    // Data lines start with a digit: only the others need a closer look.
    const first = text.charCodeAt(0);
    if (header !== undefined && first >= 0x30 && first <= 0x39) {
      data.push({ line, text });
      continue;
    }
    const start = text.trimStart();
    if (start === '') continue;
    if (start.startsWith('#')) comments.push({ line, text });
    else if (header === undefined) header = { line, text };
    else data.push({ line, text });
  }
  return { comments, header, data };
}
