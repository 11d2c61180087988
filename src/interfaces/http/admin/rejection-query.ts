import { InvalidQuery } from '../../../application/errors.ts';
import type { PageRequest } from '../../../application/ports/paging.ts';
import type { RejectionChannel, RejectionFilter, RejectionReason } from '../../../application/ports/rejection-log.ts';
import { REJECTION_LABELS, SOURCE_LABELS } from './admin-labels.ts';
import { dayBound, readPage, single } from './admin-query.ts';

type Query = Record<string, string | string[] | undefined>;

/** What the rejections filter form sent, echoed back into the form, the paging links and the CSV link. */
export interface RejectionForm {
  readonly q: string;
  readonly from: string;
  readonly to: string;
  readonly channel: string;
  readonly reason: string;
  readonly limit: string;
}

const CHANNELS: readonly RejectionChannel[] = ['return', 'notify'];
const REASONS = Object.keys(REJECTION_LABELS) as RejectionReason[];

/** The options of the 渠道 and 原因 selects, as staff read them. */
export const CHANNEL_OPTIONS = CHANNELS.map((value) => ({ value, label: SOURCE_LABELS[value] }));
export const REASON_OPTIONS = REASONS.map((value) => ({ value, label: REJECTION_LABELS[value] }));

/** Reads the rejections filter form. @throws InvalidQuery naming the bad parameter */
export function readRejectionFilter(query: Query): { form: RejectionForm; filter: RejectionFilter; page: PageRequest } {
  const form: RejectionForm = {
    q: single(query, 'q').trim(),
    from: single(query, 'from'),
    to: single(query, 'to'),
    channel: single(query, 'channel'),
    reason: single(query, 'reason'),
    limit: single(query, 'limit'),
  };
  if (form.q.length > 100) throw new InvalidQuery('q', 'q is longer than 100 characters');
  // PostgreSQL text cannot hold NUL, which %00 decodes to: the search would fail as a 500.
  if (form.q.includes('\u0000')) throw new InvalidQuery('q', 'q holds a NUL character');
  const filter: RejectionFilter = {
    q: form.q || undefined,
    from: form.from ? dayBound(form.from, 'from', 0) : undefined,
    until: form.to ? dayBound(form.to, 'to', 1) : undefined,
    channel: form.channel ? oneOf(form.channel, CHANNELS, 'channel') : undefined,
    reason: form.reason ? oneOf(form.reason, REASONS, 'reason') : undefined,
  };
  return { form, filter, page: readPage(query, form.limit) };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], parameter: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new InvalidQuery(parameter, `${parameter} must be one of ${allowed.join(', ')}`);
  return value as T;
}
