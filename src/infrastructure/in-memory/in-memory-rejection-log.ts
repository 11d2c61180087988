import { Buffer } from 'node:buffer';
import { InvalidQuery } from '../../application/errors.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import type { Rejection, RejectionLog, RejectionRecord } from '../../application/ports/rejection-log.ts';

/** The same ring as the database's: the seq-th rejection takes slot seq % maxRows. */
export class InMemoryRejectionLog implements RejectionLog {
  private readonly slots = new Map<number, RejectionRecord>();
  private seq = 0;

  constructor(private readonly retention: { maxRows: number; maxAgeDays: number }) {}

  async record(rejection: Rejection): Promise<void> {
    this.seq += 1;
    this.slots.set(this.seq % this.retention.maxRows, { ...rejection, id: String(this.seq) });
    const cutoff = Date.now() - this.retention.maxAgeDays * 86_400_000;
    for (const [slot, row] of this.slots) if (row.at.getTime() < cutoff) this.slots.delete(slot);
  }

  async page(filter: { q?: string }, request: PageRequest): Promise<Page<RejectionRecord>> {
    const matching = [...this.slots.values()]
      .filter((row) => !filter.q || row.outTradeNo?.startsWith(filter.q) || row.tradeNo?.startsWith(filter.q))
      .sort((a, b) => Number(b.id) - Number(a.id));
    const cursor = decode(request.before ?? request.after);
    const backwards = request.before !== undefined;
    const candidates =
      cursor === undefined ? matching : matching.filter((row) => (backwards ? Number(row.id) > cursor : Number(row.id) < cursor));
    const window = backwards ? candidates.slice(-request.limit - 1) : candidates.slice(0, request.limit + 1);
    const more = window.length > request.limit;
    const rows = backwards ? window.slice(more ? 1 : 0) : window.slice(0, request.limit);
    const encode = (row: RejectionRecord | undefined) => (row ? Buffer.from(row.id).toString('base64url') : null);
    return backwards
      ? { rows, previous: more ? encode(rows[0]) : null, next: encode(rows[rows.length - 1]) }
      : { rows, previous: cursor === undefined ? null : encode(rows[0]), next: more ? encode(rows[rows.length - 1]) : null };
  }
}

function decode(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Like the database log's: a seq this log could have made, never 0 or zero-padded.
  if (!/^[1-9]\d{0,14}$/.test(text)) throw new InvalidQuery('the page cursor is not one this listing made');
  return Number(text);
}
