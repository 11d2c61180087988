import type { Clock } from '../../application/ports/clock.ts';
import { matchesIdSearch } from '../../application/ports/id-search.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import {
  COUNT_CAP,
  type PaymentFilter,
  type PaymentLedger,
  type PaymentRecord,
  type PaymentSum,
  type PaymentTotals,
  TOTAL_DAYS_MAX,
} from '../../application/ports/payment-ledger.ts';
import { beijingMidnight, beijingTimestamp } from '../../domain/beijing-time.ts';
import { Money } from '../../domain/money.ts';
import { decodeCursor, everyRow, pageOf } from '../keyset-paging.ts';
import { isBigintId, isUtcMicros } from '../persistence/keyset.ts';
import type { InMemoryStore } from './in-memory-store.ts';

// Like the database ledger's EXPORT_BATCH.
const EXPORT_BATCH = 1_000;
const DAY_MS = 86_400_000;

/** The instant as the database's cursor carries it: UTC, to the microsecond. */
const utcMicros = (at: Date) => at.toISOString().replace('Z', '000Z');
const cursorOf = (record: PaymentRecord) => [utcMicros(record.receivedAt), record.id];
/** Newest first, by arrival then by id, as the database's keyset orders tb_payment. */
const newestFirst = (a: PaymentRecord, b: PaymentRecord) => b.receivedAt.getTime() - a.receivedAt.getTime() || compareIds(b.id, a.id);

/** The admin's read side over the in-memory tables. */
export class InMemoryPaymentLedger implements PaymentLedger {
  /** A payment's id, as a bigserial gives one: in the order of recording, and kept. */
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly store: InMemoryStore,
    private readonly clock: Clock,
  ) {}

  /** The database's keyset scan over a sorted copy: rows past the cursor, in scan order, limit + 1 of them. */
  async page(filter: PaymentFilter, request: PageRequest): Promise<Page<PaymentRecord>> {
    const cursor = decodeCursor(request, [isUtcMicros, isBigintId]);
    const backwards = request.before !== undefined;
    const sorted = this.matching(filter).sort(newestFirst);
    const scan = backwards ? sorted.reverse() : sorted;
    const past = cursor ? scan.filter((record) => (backwards ? -1 : 1) * compareToCursor(record, cursor) > 0) : scan;
    return pageOf(past.slice(0, request.limit + 1), request, cursorOf);
  }

  all(filter: PaymentFilter): AsyncIterable<PaymentRecord> {
    return everyRow((request) => this.page(filter, request), EXPORT_BATCH);
  }

  async countNeedingReview(): Promise<number> {
    return this.records().filter((record) => record.reviewReason !== null && record.resolution === null).length;
  }

  async totals(filter: PaymentFilter): Promise<PaymentTotals> {
    const matching = this.matching(filter);
    const count = Math.min(matching.length, COUNT_CAP);
    const atLeast = matching.length > COUNT_CAP;
    if (!filter.from && !filter.until) return { count, atLeast, days: [] };
    const newest = filter.until ?? beijingMidnight(beijingTimestamp(this.clock.now()).slice(0, 10), 1);
    const oldest = Math.max(filter.from?.getTime() ?? 0, newest.getTime() - TOTAL_DAYS_MAX * DAY_MS);
    const days = new Map<string, { applied: FenSum; keptForReview: FenSum }>();
    for (const record of matching) {
      if (record.receivedAt.getTime() < oldest) continue;
      const day = beijingTimestamp(record.receivedAt).slice(0, 10);
      const totals = days.get(day) ?? { applied: { count: 0, fen: 0 }, keptForReview: { count: 0, fen: 0 } };
      const sum = record.reviewReason === null ? totals.applied : totals.keptForReview;
      sum.count += 1;
      sum.fen += record.amount === null ? 0 : Money.parse(record.amount).fen;
      days.set(day, totals);
    }
    return {
      count,
      atLeast,
      days: [...days]
        .sort(([a], [b]) => b.localeCompare(a))
        .map(([day, { applied, keptForReview }]) => ({ day, applied: yuanSum(applied), keptForReview: yuanSum(keptForReview) })),
    };
  }

  async forOrder(orderId: string, limit: number): Promise<PaymentRecord[]> {
    const newest = this.records()
      .filter((record) => record.orderId === orderId)
      .sort(newestFirst)
      .slice(0, limit);
    return newest.reverse();
  }

  private matching({ q, state, from, until }: PaymentFilter): PaymentRecord[] {
    return this.records().filter(
      (record) =>
        (!q || matchesIdSearch([record.tradeNo, record.orderId], q)) &&
        (state !== 'applied' || record.reviewReason === null) &&
        (state !== 'needs_review' || (record.reviewReason !== null && record.resolution === null)) &&
        (state !== 'resolved' || (record.reviewReason !== null && record.resolution !== null)) &&
        (!from || record.receivedAt.getTime() >= from.getTime()) &&
        (!until || record.receivedAt.getTime() < until.getTime()),
    );
  }

  private idOf(tradeNo: string): number {
    if (!this.ids.has(tradeNo)) this.ids.set(tradeNo, this.ids.size + 1);
    return this.ids.get(tradeNo)!;
  }

  private resolutionOf(tradeNo: string): PaymentRecord['resolution'] {
    const resolution = this.store.resolutions.get(tradeNo);
    return resolution ? { ...resolution } : null;
  }

  private records(): PaymentRecord[] {
    return [...this.store.payments.values()].map((payment) => ({
      id: String(this.idOf(payment.tradeNo)),
      orderId: payment.orderId,
      tradeNo: payment.tradeNo,
      amount: payment.amount?.toString() ?? null,
      orderStatus: this.store.orders.get(payment.orderId)?.status ?? null,
      reviewReason: payment.reviewReason,
      resolution: this.resolutionOf(payment.tradeNo),
      source: payment.source,
      receivedAt: payment.receivedAt,
    }));
  }
}

interface FenSum {
  count: number;
  fen: number;
}

const yuanSum = ({ count, fen }: FenSum): PaymentSum => ({ count, amount: Money.ofFen(fen).toString() });

/** Ids of any length up to bigint's, compared as numbers. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Below zero when `record` comes before the cursor's row newest first, above zero after it. */
function compareToCursor(record: PaymentRecord, [time, id]: string[]): number {
  const at = utcMicros(record.receivedAt);
  if (at !== time) return at > time! ? -1 : 1;
  return -compareIds(record.id, id!);
}
