import type { AdminAction } from '../../application/ports/admin-audit.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import { COUNT_CAP } from '../../application/ports/payment-ledger.ts';
import type {
  DiscrepancyKey,
  ItemFilter,
  OrderDiscrepancies,
  ReconciliationItem,
  ReconciliationRun,
  ReconciliationStore,
  StoredItem,
  UnfoundResolution,
  WaitingDiscrepancies,
} from '../../application/ports/reconciliation-store.ts';
import type { StagedBill } from '../../application/ports/staged-bill.ts';
import { isCalendarDay } from '../../domain/calendar-day.ts';
import type { DiscrepancyResolution, DiscrepancyState } from '../../domain/discrepancy.ts';
import { isDiscrepancy } from '../../domain/reconciliation.ts';
import { decodeCursor, pageOf } from '../keyset-paging.ts';
import { fit } from '../persistence/column-text.ts';
import { InMemoryStagedBill, refundKey } from './in-memory-staged-bill.ts';
import type { InMemoryStore } from './in-memory-store.ts';

interface Stored {
  readonly id: number;
  readonly item: ReconciliationItem;
}

const isId = (value: string) => /^[1-9]\d{0,14}$/.test(value);
// Like the database's item cursor: matched or not, the order id, the row id.
const ITEM_CURSOR = [(v: string) => v === 't' || v === 'f', (v: string) => v.length <= 64 && !v.includes('\u0000'), isId];

/** The database store's behaviour over maps: same order, same cursors' shape, same widths. */
export class InMemoryReconciliationStore implements ReconciliationStore {
  private readonly runsByDate = new Map<string, ReconciliationRun>();
  private readonly itemsByDate = new Map<string, Stored[]>();
  /** tb_reconciliation_resolution, by keyOf. */
  private readonly resolutions = new Map<string, { readonly key: DiscrepancyKey; readonly resolution: DiscrepancyResolution }>();
  private nextId = 1;

  constructor(private readonly store: InMemoryStore) {}

  async stage(date: string): Promise<StagedBill> {
    const days = {
      billedOn: (day: string) => this.billedOn(day),
      refundsBilledOn: (day: string) => this.refundsBilledOn(day),
      save: (run: ReconciliationRun, items: readonly ReconciliationItem[]) => this.save(run, items),
    };
    return new InMemoryStagedBill(this.store, days, date);
  }

  async save(run: ReconciliationRun, items: readonly ReconciliationItem[]): Promise<void> {
    this.runsByDate.set(run.date, { ...structuredClone(run), problems: run.problems.map((problem) => fit(problem)) });
    this.itemsByDate.set(
      run.date,
      items.map((item) => ({
        id: this.nextId++,
        item: {
          ...item,
          orderId: fit(item.orderId, 64),
          tradeNo: fit(item.tradeNo, 64),
          detail: fit(item.detail, 300),
          refundNo: item.refundNo === null ? null : fit(item.refundNo, 64),
        },
      })),
    );
  }

  async runs(request: PageRequest): Promise<Page<ReconciliationRun>> {
    const cursor = decodeCursor(request, [isCalendarDay]);
    const backwards = request.before !== undefined;
    const newestFirst = [...this.runsByDate.values()].sort((a, b) => compare(b.date, a.date));
    const scan = backwards ? newestFirst.reverse() : newestFirst;
    const past = cursor ? scan.filter((run) => (backwards ? run.date > cursor[0]! : run.date < cursor[0]!)) : scan;
    return pageOf(past.slice(0, request.limit + 1).map(copy), request, (run) => [run.date]);
  }

  async run(date: string): Promise<ReconciliationRun | null> {
    const run = this.runsByDate.get(date);
    return run ? copy(run) : null;
  }

  async items(date: string, request: PageRequest, filter: ItemFilter = {}): Promise<Page<StoredItem>> {
    const cursor = decodeCursor(request, ITEM_CURSOR);
    const backwards = request.before !== undefined;
    const keyOf = ({ id, item }: Stored): [string, string, number] => [item.kind === 'matched' ? 't' : 'f', item.orderId, id];
    const order = (a: Stored, b: Stored) => compareKeys(keyOf(a), keyOf(b));
    const orderId = filter.orderId === undefined ? undefined : fit(filter.orderId, 64);
    const ascending = (this.itemsByDate.get(date) ?? [])
      .filter(({ item }) => (!filter.kind || item.kind === filter.kind) && (orderId === undefined || item.orderId === orderId))
      .sort(order);
    const scan = backwards ? ascending.reverse() : ascending;
    const past = cursor
      ? scan.filter((stored) => {
          const at = compareKeys(keyOf(stored), [cursor[0]!, cursor[1]!, Number(cursor[2])]);
          return backwards ? at < 0 : at > 0;
        })
      : scan;
    const page = pageOf(past.slice(0, request.limit + 1), request, (stored) => keyOf(stored).map(String));
    return { ...page, rows: page.rows.map((stored) => this.withResolution(date, stored)) };
  }

  async item(date: string, id: string): Promise<StoredItem | null> {
    const stored = (this.itemsByDate.get(date) ?? []).find((candidate) => String(candidate.id) === id);
    return stored ? this.withResolution(date, stored) : null;
  }

  async discrepancyState(key: DiscrepancyKey): Promise<DiscrepancyState> {
    if (!this.names(key)) return 'unknown';
    return this.resolutions.has(keyOf(key)) ? 'resolved' : 'pending';
  }

  /** Check and write run without an await between them: that is this store's atomicity. */
  async resolve(key: DiscrepancyKey, resolution: DiscrepancyResolution, audit: AdminAction): Promise<boolean> {
    if (!this.names(key) || this.resolutions.has(keyOf(key))) return false;
    const kept = { ...key, orderId: fit(key.orderId, 64), tradeNo: fit(key.tradeNo, 64) };
    this.resolutions.set(keyOf(key), { key: kept, resolution: { ...resolution, by: fit(resolution.by, 64) } });
    this.store.adminActions.push({ ...audit });
    return true;
  }

  async unfound(date: string, limit: number): Promise<UnfoundResolution[]> {
    return this.unfoundWhere((key) => key.date === date)
      .sort((a, b) => a.resolution.at.getTime() - b.resolution.at.getTime() || compare(a.key.orderId, b.key.orderId))
      .slice(0, limit);
  }

  async forOrder(orderId: string, limit: number): Promise<OrderDiscrepancies> {
    const id = fit(orderId, 64);
    const newestDayFirst = [...this.itemsByDate.entries()].sort(([a], [b]) => compare(b, a));
    const found = newestDayFirst.flatMap(([date, stored]) =>
      stored
        .filter(({ item }) => item.orderId === id && isDiscrepancy(item.kind))
        .map((one) => ({ date, runAt: this.runsByDate.get(date)!.finishedAt, item: this.withResolution(date, one) })),
    );
    const unfound = this.unfoundWhere((key) => key.orderId === id).sort(
      (a, b) => compare(b.key.date, a.key.date) || a.resolution.at.getTime() - b.resolution.at.getTime(),
    );
    return { found: found.slice(0, limit), unfound: unfound.slice(0, limit) };
  }

  async waiting(): Promise<WaitingDiscrepancies> {
    const perDay = new Map<string, number>();
    for (const [date, stored] of this.itemsByDate) {
      const waiting = stored.filter(({ item }) => isDiscrepancy(item.kind) && !this.resolutions.has(keyOf({ date, ...item }))).length;
      if (waiting > 0) perDay.set(date, waiting);
    }
    const days = [...perDay].sort(([a], [b]) => compare(b, a)).map(([date, count]) => ({ date, count }));
    const found = days.reduce((sum, day) => sum + day.count, 0);
    return { count: Math.min(found, COUNT_CAP), atLeast: found > COUNT_CAP, days };
  }

  /** Whether the day's latest run names this discrepancy. */
  private names(key: DiscrepancyKey): boolean {
    if (!isDiscrepancy(key.kind)) return false;
    const wanted = keyOf(key);
    return (this.itemsByDate.get(key.date) ?? []).some(({ item }) => keyOf({ date: key.date, ...item }) === wanted);
  }

  private withResolution(date: string, { id, item }: Stored): StoredItem {
    const resolution = isDiscrepancy(item.kind) ? this.resolutions.get(keyOf({ date, ...item }))?.resolution : undefined;
    return { ...item, id: String(id), resolution: resolution ? { ...resolution } : null };
  }

  private unfoundWhere(wanted: (key: DiscrepancyKey) => boolean): UnfoundResolution[] {
    return [...this.resolutions.values()]
      .filter(({ key }) => wanted(key) && !this.names(key))
      .map(({ key, resolution }) => ({ key: { ...key }, resolution: { ...resolution } }));
  }

  /** The trade_nos a stored run of `date` names in an item of any kind but missing_in_bill (ours, absent from the bill) and refunds'. */
  private billedOn(date: string): ReadonlySet<string> {
    return new Set(
      (this.itemsByDate.get(date) ?? [])
        .filter(({ item }) => item.kind !== 'missing_in_bill' && item.refundNo === null)
        .map(({ item }) => item.tradeNo),
    );
  }

  /** The refunds a stored run of `date` names in an item of a 退款 row, as refundKey names them. */
  private refundsBilledOn(date: string): ReadonlySet<string> {
    return new Set(
      (this.itemsByDate.get(date) ?? [])
        .filter(({ item }) => item.kind !== 'refund_missing_in_bill' && item.refundNo !== null)
        .map(({ item }) => refundKey(item.tradeNo, item.refundNo)),
    );
  }
}

const copy = (run: ReconciliationRun): ReconciliationRun => structuredClone(run);

/** A discrepancy's identity as the database's primary key compares it: ids as cut to their columns. */
const keyOf = (key: Pick<DiscrepancyKey, 'date' | 'kind' | 'orderId' | 'tradeNo'>) =>
  JSON.stringify([key.date, key.kind, fit(key.orderId, 64), fit(key.tradeNo, 64)]);

/** PostgreSQL's "C" collation: by code point, as UTF-8 bytes compare; UTF-16 units put U+E000..U+FFFF after astral characters. */
function compare(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (astral characters) move above the rest of the BMP; U+E000..U+FFFF move down into their place.
const codePointRank = (unit: number) => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

function compareKeys(a: readonly [string, string, number], b: readonly [string, string, number]): number {
  return compare(a[0], b[0]) || compare(a[1], b[1]) || a[2] - b[2];
}
