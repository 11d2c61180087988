import type { Knex } from 'knex';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import { type CursorChecks, type CursorOf, decodeCursor, pageOf } from '../keyset-paging.ts';

/** The ordering key of a listing, newest first, and how to read it off a row. */
export interface Keyset<Row> {
  /** SQL expressions, most significant first; the listing is ordered by them descending. */
  readonly columns: readonly string[];
  /** One check per value: only a value PostgreSQL takes may reach SQL, so a tampered cursor is a 400, not a 500. */
  readonly valid: CursorChecks;
  readonly cursorOf: CursorOf<Row>;
}

/** Keyset paging: every page, first or ten-thousandth, is one index range scan of limit + 1 rows. */
export async function keysetPage<Row>(query: Knex.QueryBuilder, keyset: Keyset<Row>, request: PageRequest): Promise<Page<Row>> {
  const backwards = request.before !== undefined;
  const cursor = decodeCursor(request, keyset.valid);
  const columns = keyset.columns.join(', ');
  if (cursor) query.whereRaw(`(${columns}) ${backwards ? '>' : '<'} (${cursor.map(() => '?').join(', ')})`, cursor);
  query.orderByRaw(keyset.columns.map((column) => `${column} ${backwards ? 'asc' : 'desc'}`).join(', ')).limit(request.limit + 1);
  return pageOf((await query) as Row[], request, keyset.cursorOf);
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
