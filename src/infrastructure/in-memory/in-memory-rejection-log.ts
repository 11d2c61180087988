import type { Clock } from '../../application/ports/clock.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import type { Rejection, RejectionLog, RejectionRecord, ReplayOutcome } from '../../application/ports/rejection-log.ts';
import { decodeCursor, pageOf } from '../keyset-paging.ts';

// Like the database log's: a seq this log could have made, never 0 or zero-padded.
const isSeq = (value: string) => /^[1-9]\d{0,14}$/.test(value);
// Like the database log's REPLAY_BATCH.
const REPLAY_BATCH = 10_000;

/** The same ring as the database's: the seq-th rejection takes slot seq % maxRows. */
export class InMemoryRejectionLog implements RejectionLog {
  private readonly slots = new Map<number, RejectionRecord>();
  private seq = 0;

  constructor(
    private readonly retention: { maxRows: number; maxAgeDays: number },
    private readonly clock: Clock,
  ) {}

  async record(rejection: Rejection): Promise<void> {
    this.seq += 1;
    // A copy of the bytes, as a database keeps: the caller's buffer may be reused.
    this.slots.set(this.seq % this.retention.maxRows, { ...rejection, raw: rejection.raw.slice(), id: String(this.seq), replay: null });
    const cutoff = this.cutoff();
    for (const [slot, row] of this.slots) if (row.at.getTime() < cutoff) this.slots.delete(slot);
  }

  private cutoff(): number {
    return this.clock.now().getTime() - this.retention.maxAgeDays * 86_400_000;
  }

  /** The database's keyset scan over a sorted copy: rows past the cursor, in scan order, limit + 1 of them. */
  async page(filter: { q?: string }, request: PageRequest): Promise<Page<RejectionRecord>> {
    const cursor = decodeCursor(request, [isSeq]);
    const cutoff = this.cutoff(); // as the database's: reads honour the age at once
    const newestFirst = [...this.slots.values()]
      .filter((row) => row.at.getTime() >= cutoff)
      .filter((row) => !filter.q || row.outTradeNo?.startsWith(filter.q) || row.tradeNo?.startsWith(filter.q))
      .sort((a, b) => Number(b.id) - Number(a.id));
    const backwards = request.before !== undefined;
    const scan = backwards ? newestFirst.reverse() : newestFirst;
    const past = cursor
      ? scan.filter((row) => (backwards ? Number(row.id) > Number(cursor[0]) : Number(row.id) < Number(cursor[0])))
      : scan;
    return pageOf(past.slice(0, request.limit + 1), request, (row) => [row.id]);
  }

  async toReplay(filter: { since?: Date; id?: string }): Promise<RejectionRecord[]> {
    const from = Math.max(this.cutoff(), filter.since?.getTime() ?? Number.NEGATIVE_INFINITY);
    return [...this.slots.values()]
      .filter((row) => row.at.getTime() >= from && (filter.id === undefined || row.id === filter.id))
      .filter((row) => row.reason !== 'SIGNATURE_REPAIRED' && row.replay?.outcome !== 'recovered' && row.raw.length > 0)
      .sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.id) - Number(b.id))
      .slice(0, REPLAY_BATCH);
  }

  async forOrder(outTradeNo: string, limit: number): Promise<RejectionRecord[]> {
    const cutoff = this.cutoff();
    const oldestFirst = [...this.slots.values()]
      .filter((row) => row.outTradeNo === outTradeNo && row.at.getTime() >= cutoff)
      .sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.id) - Number(b.id));
    return oldestFirst.slice(Math.max(0, oldestFirst.length - limit));
  }

  async markReplayed(id: string, replay: { at: Date; outcome: ReplayOutcome; detail: string }): Promise<void> {
    if (!isSeq(id)) return;
    const slot = Number(id) % this.retention.maxRows;
    const row = this.slots.get(slot);
    if (row?.id === id) this.slots.set(slot, { ...row, replay: { ...replay, detail: replay.detail.slice(0, 200) } });
  }
}
