import { BillUnreadable } from '../../../application/errors.ts';
import type { SourceLine } from './bill-records.ts';

// Alipay's lines are a few hundred characters: a line a thousand times longer is not a bill's, and
// holding it whole would undo reading the file a piece at a time.
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * The lines of a text that comes in pieces, split on LF wherever the pieces are cut, numbered from 1. A
 * CRLF line keeps its CR (every cell read is trimmed, and the CR is the last cell's). A last line
 * without its LF is a line too; the empty one after a final LF is not yielded.
 * @throws BillUnreadable when a line is longer than MAX_LINE_CHARS
 */
export function* linesOf(pieces: Iterable<string>, file: string): Generator<SourceLine, void, void> {
  let line = 0;
  // The start of the line whose LF has not come yet.
  let partial = '';
  const checked = (text: string) => {
    if (text.length > MAX_LINE_CHARS)
      throw new BillUnreadable(
        `the bill's detail file ${file} has a line (line ${line + 1}) longer than ${MAX_LINE_CHARS} characters: not a bill`,
      );
    return text;
  };
  for (const piece of pieces) {
    const parts = piece.split('\n');
    if (parts.length === 1) {
      partial = checked(partial + piece);
      continue;
    }
    yield { line: ++line, text: checked(partial + parts[0]!) };
    const last = parts.length - 1;
    for (let i = 1; i < last; i++) yield { line: ++line, text: checked(parts[i]!) };
    partial = checked(parts[last]!);
  }
  if (partial !== '') yield { line: ++line, text: partial };
}
