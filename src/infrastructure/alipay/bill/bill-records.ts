import { Buffer } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import type { BillProblem } from '../../../application/ports/trade-bill.ts';
import type { BillEncoding } from './bill-text.ts';

/** A physical line of the detail file and where it stands. */
export interface SourceLine {
  readonly line: number;
  readonly text: string;
}

/** The cells of one line. */
export interface SourceRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * The cells of each line, by csv-parse, still in the file's text (see BillEncoding). Alipay writes one row
 * per line and quotes nothing, so lines without a quote are parsed together, one record per line, which
 * keeps line numbers exact and costs one parser for a whole batch of lines. A line with a quote is parsed
 * on its own: a quoted comma is honoured, and a stray quote spoils its own line only (a reported
 * problem), never the rows after it.
 */
export function recordsOf(lines: readonly SourceLine[], encoding: BillEncoding): { records: SourceRecord[]; problems: BillProblem[] } {
  const plain: SourceLine[] = [];
  const quoted: SourceLine[] = [];
  for (const line of lines) (line.text.includes('"') ? quoted : plain).push(line);
  const records: SourceRecord[] = [];
  const problems: BillProblem[] = [];
  if (plain.length > 0) {
    // csv-parse reads bytes (a string it would encode as UTF-8) and writes each cell back in `encoding`.
    const cells: string[][] = parse(Buffer.from(plain.map(({ text }) => text).join('\n'), encoding), {
      encoding,
      record_delimiter: '\n',
      relax_column_count: true,
      quote: false,
    });
    // One record per line: nothing in a quote-free line can join or split lines.
    if (cells.length !== plain.length) throw new Error(`csv-parse read ${cells.length} records from ${plain.length} lines`);
    for (let i = 0; i < cells.length; i++) records.push({ line: plain[i]!.line, cells: cells[i]! });
  }
  for (const { line, text } of quoted) {
    try {
      const bytes = Buffer.from(text, encoding);
      const [row, ...more] = parse(bytes, { encoding, relax_column_count: true, relax_quotes: true }) as string[][];
      if (!row || more.length > 0) problems.push({ line, reason: 'not one CSV row' });
      else records.push({ line, cells: row });
    } catch (error) {
      problems.push({ line, reason: `not a CSV row: ${(error as Error).message}` });
    }
  }
  if (quoted.length > 0) records.sort((a, b) => a.line - b.line);
  return { records, problems };
}
