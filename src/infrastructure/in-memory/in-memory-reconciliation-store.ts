import type { Page, PageRequest } from '../../application/ports/paging.ts';
import type { ReconciliationItem, ReconciliationRun, ReconciliationStore } from '../../application/ports/reconciliation-store.ts';
import type { StagedBill } from '../../application/ports/staged-bill.ts';
import { isCalendarDay } from '../../domain/calendar-day.ts';
import type { ItemKind } from '../../domain/reconciliation.ts';
import { decodeCursor, pageOf } from '../keyset-paging.ts';
import { fit } from '../persistence/column-text.ts';
import { InMemoryStagedBill } from './in-memory-staged-bill.ts';
import type { InMemoryStore } from './in-memory-store.ts';

interface StoredItem {
  readonly id: number;
  readonly item: ReconciliationItem;
}

const isId = (value: string) => /^[1-9]\d{0,14}$/.test(value);
// Like the database's item cursor: matched or not, the order id, the row id.
const ITEM_CURSOR = [(v: string) => v === 't' || v === 'f', (v: string) => v.length <= 64 && !v.includes('\u0000'), isId];

/** The database store's behaviour over maps: same order, same cursors' shape, same widths. */
export class InMemoryReconciliationStore implements ReconciliationStore {
  private readonly runsByDate = new Map<string, ReconciliationRun>();
  private readonly itemsByDate = new Map<string, StoredItem[]>();
  private nextId = 1;

  constructor(private readonly store: InMemoryStore) {}

  async stage(date: string): Promise<StagedBill> {
    return new InMemoryStagedBill(this.store, { billedOn: (day) => this.billedOn(day), save: (run, items) => this.save(run, items) }, date);
  }

  async save(run: ReconciliationRun, items: readonly ReconciliationItem[]): Promise<void> {
    this.runsByDate.set(run.date, { ...structuredClone(run), problems: run.problems.map((problem) => fit(problem)) });
    this.itemsByDate.set(
      run.date,
      items.map((item) => ({
        id: this.nextId++,
        item: { ...item, orderId: fit(item.orderId, 64), tradeNo: fit(item.tradeNo, 64), detail: fit(item.detail, 300) },
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

  async items(date: string, request: PageRequest, filter: { readonly kind?: ItemKind } = {}): Promise<Page<ReconciliationItem>> {
    const cursor = decodeCursor(request, ITEM_CURSOR);
    const backwards = request.before !== undefined;
    const keyOf = ({ id, item }: StoredItem): [string, string, number] => [item.kind === 'matched' ? 't' : 'f', item.orderId, id];
    const order = (a: StoredItem, b: StoredItem) => compareKeys(keyOf(a), keyOf(b));
    const ascending = (this.itemsByDate.get(date) ?? []).filter(({ item }) => !filter.kind || item.kind === filter.kind).sort(order);
    const scan = backwards ? ascending.reverse() : ascending;
    const past = cursor
      ? scan.filter((stored) => {
          const at = compareKeys(keyOf(stored), [cursor[0]!, cursor[1]!, Number(cursor[2])]);
          return backwards ? at < 0 : at > 0;
        })
      : scan;
    const page = pageOf(past.slice(0, request.limit + 1), request, (stored) => keyOf(stored).map(String));
    return { ...page, rows: page.rows.map(({ item }) => ({ ...item })) };
  }

  /** The trade_nos a stored run of `date` names in an item of any kind but missing_in_bill (ours, absent from the bill). */
  private billedOn(date: string): ReadonlySet<string> {
    return new Set(
      (this.itemsByDate.get(date) ?? []).filter(({ item }) => item.kind !== 'missing_in_bill').map(({ item }) => item.tradeNo),
    );
  }
}

const copy = (run: ReconciliationRun): ReconciliationRun => structuredClone(run);

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
