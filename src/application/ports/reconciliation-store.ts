import type { DiscrepancyResolution, DiscrepancyState } from '../../domain/discrepancy.ts';
import type { ItemKind } from '../../domain/reconciliation.ts';
import type { AdminAction } from './admin-audit.ts';
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
  /** A refund's out_request_no (the bill's 退款批次号/请求号); null on every other kind. */
  readonly refundNo: string | null;
}

/** An item as stored: its id within the day's latest run, and what staff did about it (discrepancies only). */
export interface StoredItem extends ReconciliationItem {
  readonly id: string;
  readonly resolution: DiscrepancyResolution | null;
}

/**
 * A discrepancy as staff know it. A re-run of the day that finds it again finds the same one, and it
 * keeps its resolution: the day's items are replaced, but not what was done about them.
 */
export interface DiscrepancyKey {
  /** The Beijing day, yyyy-MM-dd. */
  readonly date: string;
  readonly kind: ItemKind;
  readonly orderId: string;
  readonly tradeNo: string;
}

/** A resolution whose discrepancy the latest run of its day no longer found. */
export interface UnfoundResolution {
  readonly key: DiscrepancyKey;
  readonly resolution: DiscrepancyResolution;
}

/** One order's discrepancies, of every day. */
export interface OrderDiscrepancies {
  /** Those the latest run of their day names, with when that run finished; newest day first. */
  readonly found: ReadonlyArray<{ readonly date: string; readonly runAt: Date; readonly item: StoredItem }>;
  /** Those handled and since no longer found. */
  readonly unfound: readonly UnfoundResolution[];
}

/** The discrepancies no one has handled yet, per day (newest first), counted up to a cap. */
export interface WaitingDiscrepancies {
  readonly count: number;
  /** More than `count` wait. */
  readonly atLeast: boolean;
  readonly days: ReadonlyArray<{ readonly date: string; readonly count: number }>;
}

export interface ItemFilter {
  readonly kind?: ItemKind;
  /** Exactly this order id. */
  readonly orderId?: string;
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
  /** Payments recorded (and refunds that succeeded) just before midnight, not called missing until the next day's bill is read. */
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
  /** A day's items, every kind but matched first, then by order id. */
  items(date: string, request: PageRequest, filter?: ItemFilter): Promise<Page<StoredItem>>;
  /** One item of the day's latest run; null when there is none with this id (a re-run replaced it, say). */
  item(date: string, id: string): Promise<StoredItem | null>;
  /** Whether the day's latest run names this discrepancy, and whether someone handled it. */
  discrepancyState(key: DiscrepancyKey): Promise<DiscrepancyState>;
  /**
   * Keeps the resolution and its audit row in one write, only while the day's latest run names the
   * discrepancy and no one has handled it: false otherwise (two operators at once), writing nothing.
   */
  resolve(key: DiscrepancyKey, resolution: DiscrepancyResolution, audit: AdminAction): Promise<boolean>;
  /** The resolutions of a day whose discrepancy its latest run no longer found, oldest first, at most `limit`. */
  unfound(date: string, limit: number): Promise<UnfoundResolution[]>;
  /** The discrepancies of exactly this order id, at most `limit` of each part. */
  forOrder(orderId: string, limit: number): Promise<OrderDiscrepancies>;
  /** Discrepancies of any day no one has handled yet. */
  waiting(): Promise<WaitingDiscrepancies>;
}
