import type { Clock } from '../../application/ports/clock.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import {
  type Rejection,
  type RejectionFilter,
  type RejectionLog,
  type RejectionRecord,
  type ReplayFilter,
  type ReplayMark,
  UNVERIFIED_REASONS,
} from '../../application/ports/rejection-log.ts';
import { matchesRejectionFilter } from '../../application/rejection-filter.ts';
import { decodeCursor, everyRow, pageOf } from '../keyset-paging.ts';
import { rejectionDigest } from '../persistence/rejection-rows.ts';
import { InMemoryStore } from './in-memory-store.ts';

// Like the database log's: a seq this log could have made, never 0 or zero-padded.
const isSeq = (value: string) => /^[1-9]\d{0,14}$/.test(value);
// Like the database log's REPLAY_BATCH and EXPORT_BATCH.
const REPLAY_BATCH = 10_000;
const EXPORT_BATCH = 500;

type Kept = Omit<RejectionRecord, 'orderKnown'> & { readonly replayConfiguration?: string; readonly digest: string };

/**
 * The same two rings as the database's: refusals whose signature verified take slots 0 to maxRows - 1,
 * the others -1 to -maxRows, each in turn, so that forgeries never overwrite Alipay's own messages.
 */
export class InMemoryRejectionLog implements RejectionLog {
  private readonly slots = new Map<number, Kept>();
  private seq = 0;
  private readonly turns = { verified: 0, unverified: 0 };

  /** `store` holds the orders it tells ours by, as tb_order_info does; a store of its own, without any, by default. */
  constructor(
    private readonly retention: { maxRows: number; maxAgeDays: number },
    private readonly clock: Clock,
    private readonly store: InMemoryStore = new InMemoryStore(),
  ) {}

  async record(rejection: Rejection): Promise<void> {
    const ring = UNVERIFIED_REASONS.has(rejection.reason) ? 'unverified' : 'verified';
    const digest = rejectionDigest(rejection).toString('hex');
    if (ring === 'verified' && this.keptAlready(digest)) return;
    this.seq += 1;
    const turn = ++this.turns[ring] % this.retention.maxRows;
    // A copy of the bytes, as a database keeps: the caller's buffer may be reused.
    this.slots.set(ring === 'verified' ? turn : -1 - turn, {
      ...rejection,
      raw: rejection.raw.slice(),
      id: String(this.seq),
      replay: null,
      digest,
    });
    const cutoff = this.cutoff();
    for (const [slot, row] of this.slots) if (row.at.getTime() < cutoff) this.slots.delete(slot);
  }

  /** A verified message is kept once: the same channel and bytes in the verified ring, within the retention age. */
  private keptAlready(digest: string): boolean {
    const cutoff = this.cutoff();
    for (const [slot, row] of this.slots) if (slot >= 0 && row.digest === digest && row.at.getTime() >= cutoff) return true;
    return false;
  }

  private cutoff(): number {
    return this.clock.now().getTime() - this.retention.maxAgeDays * 86_400_000;
  }

  /** The rows not past the retention age (reads honour it at once, as the database's do), as they would be read. */
  private kept(): RejectionRecord[] {
    const cutoff = this.cutoff();
    return [...this.slots.values()]
      .filter((row) => row.at.getTime() >= cutoff)
      .map(({ replayConfiguration: _, digest: __, ...row }) => ({
        ...row,
        orderKnown: row.outTradeNo !== null && this.store.orders.has(row.outTradeNo),
      }));
  }

  /** The database's keyset scan over a sorted copy: rows past the cursor, in scan order, limit + 1 of them. */
  async page(filter: RejectionFilter, request: PageRequest): Promise<Page<RejectionRecord>> {
    const cursor = decodeCursor(request, [isSeq]);
    const newestFirst = this.kept()
      .filter((row) => matchesRejectionFilter(row, filter))
      .sort((a, b) => Number(b.id) - Number(a.id));
    const backwards = request.before !== undefined;
    const scan = backwards ? newestFirst.reverse() : newestFirst;
    const past = cursor
      ? scan.filter((row) => (backwards ? Number(row.id) > Number(cursor[0]) : Number(row.id) < Number(cursor[0])))
      : scan;
    return pageOf(past.slice(0, request.limit + 1), request, (row) => [row.id]);
  }

  all(filter: RejectionFilter): AsyncIterable<RejectionRecord> {
    return everyRow((request) => this.page(filter, request), EXPORT_BATCH);
  }

  async toReplay(filter: ReplayFilter): Promise<RejectionRecord[]> {
    const since = filter.since?.getTime() ?? Number.NEGATIVE_INFINITY;
    const byArrival = (a: { at: Date; id: string }, b: { at: Date; id: string }) =>
      a.at.getTime() - b.at.getTime() || Number(a.id) - Number(b.id);
    return this.kept()
      .filter((row) => row.at.getTime() >= since && (filter.id === undefined || row.id === filter.id))
      .filter((row) => filter.after === undefined || byArrival(row, filter.after) > 0)
      .filter((row) => row.reason !== 'SIGNATURE_REPAIRED' && row.replay?.outcome !== 'recovered' && row.raw.length > 0)
      .filter((row) => filter.configuration === undefined || !this.settledUnder(row, filter.configuration))
      .sort(byArrival)
      .slice(0, REPLAY_BATCH);
  }

  /** Still refused under `configuration`, and not for an order that has turned up since: a replay would come to the same. */
  private settledUnder(row: RejectionRecord, configuration: string): boolean {
    const kept = this.slotOf(row.id)?.[1];
    if (row.replay?.outcome !== 'still_refused' || kept?.replayConfiguration !== configuration) return false;
    return !(row.replay.detail.startsWith('ORDER_NOT_FOUND') && row.orderKnown);
  }

  async forOrder(outTradeNo: string, limit: number, verified?: boolean): Promise<RejectionRecord[]> {
    const oldestFirst = this.kept()
      .filter((row) => row.outTradeNo === outTradeNo && (verified === undefined || UNVERIFIED_REASONS.has(row.reason) !== verified))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.id) - Number(b.id));
    return oldestFirst.slice(Math.max(0, oldestFirst.length - limit));
  }

  async countUnverifiedForOrder(outTradeNo: string): Promise<number> {
    return (await this.forOrder(outTradeNo, Number.MAX_SAFE_INTEGER, false)).length;
  }

  async markReplayed(id: string, { configuration, ...replay }: ReplayMark): Promise<void> {
    if (!isSeq(id)) return;
    const found = this.slotOf(id);
    if (found) {
      const [slot, row] = found;
      this.slots.set(slot, { ...row, replay: { ...replay, detail: replay.detail.slice(0, 200) }, replayConfiguration: configuration });
    }
  }

  /** The slot that still holds rejection `id`, and its row; none once the ring has reused it. */
  private slotOf(id: string): [number, Kept] | undefined {
    for (const entry of this.slots) if (entry[1].id === id) return entry;
    return undefined;
  }
}
