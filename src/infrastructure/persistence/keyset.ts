import { Buffer } from 'node:buffer';
import type { Knex } from 'knex';
import { InvalidQuery } from '../../application/errors.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';

/** The ordering key of a listing, newest first, and how to read it off a row. */
export interface Keyset<Row> {
  /** SQL expressions, most significant first; the listing is ordered by them descending. */
  readonly columns: readonly string[];
  /** One check per value: only a value PostgreSQL takes may reach SQL, so a tampered cursor is a 400, not a 500. */
  readonly valid: readonly ((value: string) => boolean)[];
  cursorOf(row: Row): string[];
}

/** Keyset paging: every page, first or ten-thousandth, is one index range scan of limit + 1 rows. */
export async function keysetPage<Row>(query: Knex.QueryBuilder, keyset: Keyset<Row>, request: PageRequest): Promise<Page<Row>> {
  const backwards = request.before !== undefined;
  const cursor = decodeCursor(request.before ?? request.after, keyset.valid);
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

function decodeCursor(cursor: string | undefined, checks: Keyset<unknown>['valid']): string[] | undefined {
  if (cursor === undefined) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const valid =
    Array.isArray(values) && values.length === checks.length && values.every((value, i) => typeof value === 'string' && checks[i]!(value));
  if (!valid) throw new InvalidQuery('the page cursor is not one this listing made');
  return values as string[];
}

const BIGINT_MAX = 9_223_372_036_854_775_807n;

/** A bigserial id as we print it: 1 to bigint's maximum, no sign, no leading zeros. */
export function isBigintId(value: string): boolean {
  return /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= BIGINT_MAX;
}

/** A UTC instant to the microsecond, as to_char prints it: a real calendar date, years 1 to 9999. */
export function isUtcMicros(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value)) return false;
  // Date rolls 02-31 over to 03-03 and 24:00 over to the next day: a real instant prints back unchanged.
  const millis = `${value.slice(0, 23)}Z`;
  const date = new Date(millis);
  // Date has a year 0000; PostgreSQL does not.
  return !value.startsWith('0000') && !Number.isNaN(date.getTime()) && date.toISOString() === millis;
}

/** A LIKE pattern matching values that start with `prefix`, whatever characters it holds. */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
}
