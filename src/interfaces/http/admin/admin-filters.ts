import { InvalidQuery } from '../../../application/errors.ts';
import { SEARCH_MIN_LENGTH } from '../../../application/ports/id-search.ts';
import type { PageRequest } from '../../../application/ports/paging.ts';
import type { PaymentFilter } from '../../../application/ports/payment-ledger.ts';
import type { RejectionChannel, RejectionFilter, RejectionReason } from '../../../application/ports/rejection-log.ts';
import { beijingMidnight } from '../../../domain/beijing-time.ts';
import { isCalendarDay } from '../../../domain/calendar-day.ts';
import { REJECTION_LABELS, SOURCE_LABELS } from './admin-labels.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** A row's id in a path or a form: a positive bigint, as the stores number their rows. */
export const ROW_ID = /^[1-9]\d{0,18}$/;
const STATES = ['', 'applied', 'needs_review', 'resolved'];
const CHANNELS: readonly RejectionChannel[] = ['return', 'notify'];
const REASONS = Object.keys(REJECTION_LABELS) as RejectionReason[];

/** The one search rule in the staff's words, under every search box (the rule itself: ports/id-search.ts). */
export const SEARCH_HELP = `订单号或支付宝交易号：输入 ${SEARCH_MIN_LENGTH} 个及以上字符时，匹配其中任意一段（如交易号末几位）；更短时只匹配开头。`;

type Query = Record<string, string | string[] | undefined>;

/** What the payments filter form sent, echoed back into the form and the paging links. */
export interface FilterForm {
  readonly q: string;
  readonly state: string;
  readonly from: string;
  readonly to: string;
  readonly limit: string;
}

/** What the rejections filter form sent, echoed back into the form, the paging links and the CSV link. */
export interface RejectionForm {
  readonly q: string;
  readonly from: string;
  readonly to: string;
  readonly channel: string;
  readonly reason: string;
  readonly limit: string;
}

/** The options of the 渠道 and 原因 selects, as staff read them. */
export const CHANNEL_OPTIONS = CHANNELS.map((value) => ({ value, label: SOURCE_LABELS[value] }));
export const REASON_OPTIONS = REASONS.map((value) => ({ value, label: REJECTION_LABELS[value] }));

/** Reads the payments filter form. @throws InvalidQuery naming the bad field */
export function readFilter(query: Query): { form: FilterForm; filter: PaymentFilter; page: PageRequest } {
  const form: FilterForm = {
    q: search(query),
    state: single(query, 'state'),
    from: single(query, 'from'),
    to: single(query, 'to'),
    limit: single(query, 'limit'),
  };
  if (!STATES.includes(form.state)) throw new InvalidQuery('state', 'state must be applied, needs_review or resolved');
  const filter: PaymentFilter = {
    q: form.q || undefined,
    state: (form.state || undefined) as PaymentFilter['state'],
    ...dayRange(form),
  };
  return { form, filter, page: readPage(query, form.limit) };
}

/** Reads the rejections filter form. @throws InvalidQuery naming the bad parameter */
export function readRejectionFilter(query: Query): { form: RejectionForm; filter: RejectionFilter; page: PageRequest } {
  const form: RejectionForm = {
    q: search(query),
    from: single(query, 'from'),
    to: single(query, 'to'),
    channel: single(query, 'channel'),
    reason: single(query, 'reason'),
    limit: single(query, 'limit'),
  };
  const filter: RejectionFilter = {
    q: form.q || undefined,
    ...dayRange(form),
    channel: form.channel ? oneOf(form.channel, CHANNELS, 'channel') : undefined,
    reason: form.reason ? oneOf(form.reason, REASONS, 'reason') : undefined,
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
export function pageLink(path: string, form: object, cursor: { after?: string; before?: string }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...form, ...cursor })) if (typeof value === 'string' && value) params.set(key, value);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function single(query: Query, name: string): string {
  const value = query[name];
  if (Array.isArray(value)) throw new InvalidQuery(name, `${name} is given more than once`, 'repeated');
  return value ?? '';
}

/** The search box, trimmed. @throws InvalidQuery */
function search(query: Query): string {
  const q = single(query, 'q').trim();
  if (q.length > 100) throw new InvalidQuery('q', 'q is longer than 100 characters');
  // PostgreSQL text cannot hold NUL, which %00 decodes to: the search would fail as a 500.
  if (q.includes('\u0000')) throw new InvalidQuery('q', 'q holds a NUL character');
  return q;
}

/** from and to, Beijing dates, as instants: from's midnight, and the midnight after to. */
function dayRange(form: { readonly from: string; readonly to: string }): { from?: Date; until?: Date } {
  const from = form.from ? dayBound(form.from, 'from', 0) : undefined;
  const until = form.to ? dayBound(form.to, 'to', 1) : undefined;
  // A reversed range would show nothing, as if nothing had happened.
  if (from && until && from >= until) throw new InvalidQuery('to', 'to must be on or after from', 'reversed');
  return { from, until };
}

/** A filter bound: 00:00 in Beijing of `day` plus `addDays` (the admin's dates are Beijing dates). @throws InvalidQuery */
export function dayBound(day: string, field: string, addDays: number): Date {
  const midnight = isCalendarDay(day) ? beijingMidnight(day, addDays) : null;
  // PGlite is sent a Date as UTC text and refuses year 0000, which 0001-01-01 in Beijing still is.
  if (midnight === null || midnight.getUTCFullYear() < 1) throw new InvalidQuery(field, `${field} must be a date such as 2026-11-26`);
  return midnight;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], parameter: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new InvalidQuery(parameter, `${parameter} must be one of ${allowed.join(', ')}`);
  return value as T;
}
