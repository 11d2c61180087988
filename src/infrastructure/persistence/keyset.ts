import { Buffer } from 'node:buffer';
import type { Knex } from 'knex';
import { InvalidQuery } from '../../application/errors.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';

/** The ordering key of a listing, newest first, and how to read it off a row. */
export interface Keyset<Row> {
  /** SQL expressions, most significant first; the listing is ordered by them descending. */
  readonly columns: readonly string[];
  /** What each value of a cursor must look like before it may reach SQL. */
  readonly patterns: readonly RegExp[];
  cursorOf(row: Row): string[];
}

/** Keyset paging: every page, first or ten-thousandth, is one index range scan of limit + 1 rows. */
export async function keysetPage<Row>(query: Knex.QueryBuilder, keyset: Keyset<Row>, request: PageRequest): Promise<Page<Row>> {
  const backwards = request.before !== undefined;
  const cursor = decodeCursor(request.before ?? request.after, keyset.patterns);
  const columns = keyset.columns.join(', ');
  if (cursor) query.whereRaw(`(${columns}) ${backwards ? '>' : '<'} (${cursor.map(() => '?').join(', ')})`, cursor);
  query.orderByRaw(keyset.columns.map((column) => `${column} ${backwards ? 'asc' : 'desc'}`).join(', ')).limit(request.limit + 1);

  const fetched = (await query) as Row[];
  const more = fetched.length > request.limit;
  const rows = fetched.slice(0, request.limit);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const encode = (row: Row | undefined) => (row === undefined ? null : encodeCursor(keyset.cursorOf(row)));
  return backwards
    ? { rows, previous: more ? encode(first) : null, next: encode(last) }
    : { rows, previous: cursor ? encode(first) : null, next: more ? encode(last) : null };
}

function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string | undefined, patterns: readonly RegExp[]): string[] | undefined {
  if (cursor === undefined) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const valid = Array.isArray(values) && values.length === patterns.length
    && values.every((value, i) => typeof value === 'string' && patterns[i]!.test(value));
  if (!valid) throw new InvalidQuery('the page cursor is not one this listing made');
  return values as string[];
}

/** A LIKE pattern matching values that start with `prefix`, whatever characters it holds. */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
}
