import { BillUnreadable } from '../../../application/errors.ts';
import type { BillRow, BillSummary } from '../../../application/ports/trade-bill.ts';
import { rowsOfLines } from './bill-batch.ts';
import { type CommentLine, metadataOf } from './bill-comments.ts';
import { type ColumnIndex, columnIndex } from './bill-header.ts';
import { linesOf } from './bill-lines.ts';
import { ProblemLog } from './bill-problems.ts';
import { recordsOf, type SourceLine } from './bill-records.ts';
import { BillTextDecoder } from './bill-text-decoder.ts';

export const DEFAULT_BATCH_ROWS = 5000;
// Lines are turned into rows a batch at a time; a batch of very long lines is turned sooner, so that no
// more text is held at once than a batch of Alipay's lines would be.
const MAX_BATCH_CHARS = 8 * 1024 * 1024;
// The # lines are kept until the end, where the totals come. Alipay writes a handful, under a KB.
const MAX_COMMENT_CHARS = 1024 * 1024;

/**
 * The rows of a trade bill's detail file, read from its bytes as they come in `chunks` (cut anywhere):
 * batches of at most `batchRows` well-formed rows in the file's order, then, as the return value once
 * the file has been read to the end, what it says of itself. The file holds `#` lines anywhere, a
 * header row (the first other line that is not blank) read by column names, and data lines after it,
 * each malformed one reported with its line and skipped. Only one batch of lines and rows is held at a
 * time, and the `#` lines, which are few but hold the totals at the very end.
 * @throws BillUnreadable when the file has no header row, lacks a required column, is taken for UTF-8
 *   but is not UTF-8 throughout, or is not a bill at all (a line or its `#` lines far too long)
 */
export function* readTradeBillChunks(
  chunks: Iterable<Uint8Array>,
  file = '业务明细.csv',
  batchRows = DEFAULT_BATCH_ROWS,
): Generator<BillRow[], BillSummary, void> {
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows is a whole number above 0, not ${batchRows}`);
  const text = new BillTextDecoder(file);
  const comments: CommentLine[] = [];
  let commentChars = 0;
  const problems = new ProblemLog();
  let columns: ColumnIndex | undefined;
  let lines: SourceLine[] = [];
  let lineChars = 0;
  const ready: BillRow[] = [];
  let rowCount = 0;
  const turnLinesIntoRows = (columns: ColumnIndex) => {
    const batch = rowsOfLines(lines, columns, text.encoding);
    problems.add(batch.problems);
    for (const row of batch.rows) ready.push(row);
    rowCount += batch.rows.length;
    lines = [];
    lineChars = 0;
  };

  for (const source of linesOf(textOf(chunks, text), file)) {
    // Data lines start with a digit: only the others need a closer look.
    const first = source.text.charCodeAt(0);
    if (columns === undefined || first < 0x30 || first > 0x39) {
      const start = source.text.trimStart();
      if (start === '') continue;
      if (start.startsWith('#')) {
        commentChars += source.text.length;
        if (commentChars > MAX_COMMENT_CHARS)
          throw new BillUnreadable(
            `the bill's detail file ${file} has over ${MAX_COMMENT_CHARS} characters of # lines (line ${source.line}): not a bill`,
          );
        comments.push(source);
        continue;
      }
      if (columns === undefined) {
        columns = headerOf(source, text);
        continue;
      }
    }
    lines.push(source);
    lineChars += source.text.length;
    if (lines.length >= batchRows || lineChars >= MAX_BATCH_CHARS) {
      // Rows of very long lines go on at once: they hold as much text as a whole batch would.
      const long = lineChars >= MAX_BATCH_CHARS;
      turnLinesIntoRows(columns);
      while (ready.length >= batchRows || (long && ready.length > 0)) yield ready.splice(0, batchRows);
    }
  }
  if (columns === undefined) throw new BillUnreadable(`the bill's detail file ${file} has no header row, only # comments`);
  if (lines.length > 0) turnLinesIntoRows(columns);
  while (ready.length > 0) yield ready.splice(0, batchRows);

  const read = text.read;
  const metadata = metadataOf(comments.map(({ line, text }) => ({ line, text: read(text) })));
  return {
    file,
    account: metadata.account,
    period: metadata.period,
    totals: metadata.totals,
    rowCount,
    ...problems.with(metadata.problems),
  };
}

function* textOf(chunks: Iterable<Uint8Array>, decoder: BillTextDecoder): Generator<string, void, void> {
  for (const chunk of chunks) yield decoder.decode(chunk);
  yield decoder.end();
}

/**
 * Where the columns are, from the header row.
 * @throws BillUnreadable when the row is not CSV, names no bill column, lacks a required one, or names one twice
 */
function headerOf(header: SourceLine, text: BillTextDecoder): ColumnIndex {
  const names = recordsOf([header], text.encoding).records[0]?.cells;
  if (!names) throw new BillUnreadable(`the bill's header row (line ${header.line}) is not CSV`);
  return columnIndex(names.map(text.read), header.line);
}
