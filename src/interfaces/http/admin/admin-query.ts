import { InvalidQuery } from '../../../application/errors.ts';
import type { PageRequest } from '../../../application/ports/paging.ts';
import type { PaymentFilter } from '../../../application/ports/payment-ledger.ts';
import { beijingMidnight } from '../../../domain/beijing-time.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const STATES = ['', 'applied', 'needs_review', 'resolved'];

type Query = Record<string, string | string[] | undefined>;

/** What the filter form sent, echoed back into the form and the paging links. */
export interface FilterForm {
  readonly q: string;
  readonly state: string;
  readonly from: string;
  readonly to: string;
  readonly limit: string;
}

/** Reads the admin filter form. @throws InvalidQuery naming the bad field */
export function readFilter(query: Query): { form: FilterForm; filter: PaymentFilter; page: PageRequest } {
  const form: FilterForm = {
    q: single(query, 'q').trim(),
    state: single(query, 'state'),
    from: single(query, 'from'),
    to: single(query, 'to'),
    limit: single(query, 'limit'),
  };
  if (form.q.length > 100) throw new InvalidQuery('q', 'q is longer than 100 characters');
  // PostgreSQL text cannot hold NUL, which %00 decodes to: the search would fail as a 500.
  if (form.q.includes('\u0000')) throw new InvalidQuery('q', 'q holds a NUL character');
  if (!STATES.includes(form.state)) throw new InvalidQuery('state', 'state must be applied, needs_review or resolved');
  const filter: PaymentFilter = {
    q: form.q || undefined,
    state: (form.state || undefined) as PaymentFilter['state'],
    from: form.from ? dayBound(form.from, 'from', 0) : undefined,
    until: form.to ? dayBound(form.to, 'to', 1) : undefined,
  };
  return { form, filter, page: readPage(query, form.limit) };
}

export function readPage(query: Query, limitText: string): PageRequest {
  const limit = limitText === '' ? DEFAULT_LIMIT : Number(limitText);
  if (!/^\d{1,3}$/.test(limitText || '0') || limit < 1 || limit > MAX_LIMIT)
    throw new InvalidQuery('limit', `limit must be from 1 to ${MAX_LIMIT}`);
  const after = single(query, 'after') || undefined;
  const before = single(query, 'before') || undefined;
  if (after && before) throw new InvalidQuery('after', 'after and before cannot both be given');
  return { after, before, limit };
}

/** The same query with a different cursor: 上一页 and 下一页 keep every filter. */
export function pageLink(path: string, form: Partial<FilterForm>, cursor: { after?: string; before?: string }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...form, ...cursor })) if (value) params.set(key, value);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function single(query: Query, name: string): string {
  const value = query[name];
  if (Array.isArray(value)) throw new InvalidQuery(name, `${name} is given more than once`);
  return value ?? '';
}

/** A filter bound: 00:00 in Beijing of `day` plus `addDays` (the admin's dates are Beijing dates). @throws InvalidQuery */
export function dayBound(day: string, field: string, addDays: number): Date {
  const midnight = beijingMidnight(day, addDays);
  if (!isCalendarDay(day) || !isStorable(midnight)) throw new InvalidQuery(field, `${field} must be a date such as 2026-11-26`);
  return midnight;
}

/** Date rolls 02-31 over to 03-03: a real day is one it prints back unchanged. */
function isCalendarDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return DAY.test(day) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/** PGlite is sent a Date as UTC text and refuses year 0000, which 0001-01-01 in Beijing still is. */
function isStorable(instant: Date): boolean {
  return instant.getUTCFullYear() >= 1;
}
