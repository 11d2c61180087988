import type { ItemKind } from '../../domain/reconciliation.ts';
import type { Page, PageRequest } from './paging.ts';
import type { StagedBill } from './staged-bill.ts';
import type { BillTotals } from './trade-bill.ts';

/** One line of a day's result. Amounts in signed fen; null where that side has none. */
export interface ReconciliationItem {
  readonly kind: ItemKind;
  readonly orderId: string;
  readonly tradeNo: string;
  readonly localAmountFen: number | null;
  readonly billAmountFen: number | null;
  /** Why, for staff: what the query answered, which bill line, … */
  readonly detail: string;
}

export type ItemCounts = Readonly<Record<ItemKind, number>>;

/** One day's run: stored whole, replacing any earlier run of that day. */
export interface ReconciliationRun {
  /** The Beijing day, yyyy-MM-dd. */
  readonly date: string;
  readonly finishedAt: Date;
  readonly counts: ItemCounts;
  /** The bill's own total lines, when it states them. */
  readonly billTotals: BillTotals | null;
  /** Our payments recorded that day: how many, and their sum in fen. */
  readonly localTotals: { readonly count: number; readonly amountFen: number };
  /** Payments recorded just before midnight, not yet called missing until the next day's bill is read. */
  readonly deferred: number;
  /** Lines of the bill read past (malformed), with the first few reasons. */
  readonly problems: readonly string[];
}

export interface ReconciliationStore {
  /** Opens a stage for the bill of `date` (yyyy-MM-dd); the day's result is written when it finishes. */
  stage(date: string): Promise<StagedBill>;
  /** Replaces the day's run and items with these, atomically: a re-run records nothing twice. A run computed elsewhere (tests, imports). */
  save(run: ReconciliationRun, items: readonly ReconciliationItem[]): Promise<void>;
  /** Runs, newest day first. */
  runs(request: PageRequest): Promise<Page<ReconciliationRun>>;
  run(date: string): Promise<ReconciliationRun | null>;
  /** A day's items, discrepancies first (every kind but matched), then by order id. */
  items(date: string, request: PageRequest, filter?: { readonly kind?: ItemKind }): Promise<Page<ReconciliationItem>>;
}
