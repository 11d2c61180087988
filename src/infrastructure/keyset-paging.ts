import { Buffer } from 'node:buffer';
import { InvalidQuery } from '../application/errors.ts';
import type { Page, PageRequest } from '../application/ports/paging.ts';

/** One check per value of a cursor, most significant first. */
export type CursorChecks = readonly ((value: string) => boolean)[];

/** The ordering key of a row, newest first, as the strings a cursor carries. */
export type CursorOf<Row> = (row: Row) => string[];

export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The values of the request's cursor, if it has one. @throws InvalidQuery unless a listing with these checks made it */
export function decodeCursor(request: PageRequest, checks: CursorChecks): string[] | undefined {
  const cursor = request.before ?? request.after;
  if (cursor === undefined) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const valid =
    Array.isArray(values) && values.length === checks.length && values.every((value, i) => typeof value === 'string' && checks[i]!(value));
  if (!valid) throw new InvalidQuery('cursor', 'the page cursor is not one this listing made');
  return values as string[];
}

/**
 * The page from up to limit + 1 rows fetched past the cursor in scan order: newest first going
 * forward (`after`), oldest first going back (`before`). The extra row only says there is more.
 */
export function pageOf<Row>(fetched: readonly Row[], request: PageRequest, cursorOf: CursorOf<Row>): Page<Row> {
  const backwards = request.before !== undefined;
  const more = fetched.length > request.limit;
  const rows = fetched.slice(0, request.limit);
  if (backwards) rows.reverse();
  const encode = (row: Row | undefined) => (row === undefined ? null : encodeCursor(cursorOf(row)));
  const first = encode(rows[0]);
  const last = encode(rows[rows.length - 1]);
  return backwards
    ? { rows, previous: more ? first : null, next: last }
    : { rows, previous: request.after !== undefined ? first : null, next: more ? last : null };
}

/** Every row of a listing, newest first, fetched a page of `batch` at a time: memory stays flat however many. */
export async function* everyRow<Row>(page: (request: PageRequest) => Promise<Page<Row>>, batch: number): AsyncIterable<Row> {
  let after: string | undefined;
  do {
    const fetched = await page({ after, limit: batch });
    yield* fetched.rows;
    after = fetched.next ?? undefined;
  } while (after);
}
