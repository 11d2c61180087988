import type { ReconciliationItem, ReconciliationRun } from '../../application/ports/reconciliation-store.ts';
import type { RefundRecord } from '../../application/ports/refund-store.ts';
import type { DayFacts, RepairKind, StagedBill, UnrecordedTrade } from '../../application/ports/staged-bill.ts';
import type { BillRow } from '../../application/ports/trade-bill.ts';
import { beijingMidnight, beijingTimestamp } from '../../domain/beijing-time.ts';
import type { PaymentSnapshot } from '../../domain/payment.ts';
import { compareRefund, compareTrade, ITEM_KINDS, type ItemKind } from '../../domain/reconciliation.ts';
import { fit } from '../persistence/column-text.ts';
import { STAGED_ID_WIDTH } from '../persistence/knex-staged-bill.ts';
import { runProblems } from '../persistence/reconciliation-run-row.ts';
import { REFUND_STATUS_NOTES } from '../persistence/staged-bill-refunds.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/** Signed fen as knex-staged-bill.ts's to_char prints yuan: ¥1,234.00. */
const yuanText = (fen: number) =>
  `¥${fen < 0 ? '-' : ''}${Math.trunc(Math.abs(fen) / 100).toLocaleString('en-US')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

/** What a refund_status_mismatch item's detail adds: what we hold, the amounts if they differ too, what to do. */
function statusNote(refund: RefundRecord, billAmountFen: number): string {
  const { held, action } = REFUND_STATUS_NOTES[refund.status === 'pending' ? 'pending' : 'refused'];
  const amounts =
    refund.amount.fen === Math.abs(billAmountFen)
      ? ''
      : `，金额也不符（本系统 ${yuanText(refund.amount.fen)}，账单 ${yuanText(-billAmountFen)}）`;
  return `；${held}${amounts}；${action}`;
}

/** A refund as a bill's 退款 row names it: its trade and its 退款批次号/请求号. */
export const refundKey = (tradeNo: string, refundNo: string | null) => JSON.stringify([tradeNo, refundNo]);

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface StagedRow {
  readonly row: BillRow;
  repair?: { readonly kind: RepairKind; readonly detail: string };
}

/** What the stored run of a day says was billed, and how to store a run. */
export interface StoredDays {
  /** The trade_nos of its items of 交易 rows, and of payments it found (all but missing_in_bill). */
  billedOn(date: string): ReadonlySet<string>;
  /** Its 退款 rows' items, as refundKey names them. */
  refundsBilledOn(date: string): ReadonlySet<string>;
  save(run: ReconciliationRun, items: readonly ReconciliationItem[]): Promise<void>;
}

/** The database stage's comparison over the store's maps, by the domain's rules. */
export class InMemoryStagedBill implements StagedBill {
  private rows: StagedRow[] = [];

  constructor(
    private readonly store: InMemoryStore,
    private readonly days: StoredDays,
    readonly date: string,
  ) {}

  async add(rows: readonly BillRow[]): Promise<void> {
    const cut = (id: string) => fit(id, STAGED_ID_WIDTH);
    for (const row of rows) {
      const refundBatchNo = row.refundBatchNo === null ? null : cut(row.refundBatchNo);
      this.rows.push({ row: { ...row, tradeNo: cut(row.tradeNo), outTradeNo: cut(row.outTradeNo), refundBatchNo } });
    }
  }

  async unrecorded(afterLine: number, limit: number): Promise<UnrecordedTrade[]> {
    return this.rows
      .filter(({ row, repair }) => row.line > afterLine && row.kind === 'trade' && !repair)
      .filter(({ row }) => !this.store.payments.has(row.tradeNo) && this.store.orders.has(row.outTradeNo))
      .sort((a, b) => a.row.line - b.row.line)
      .slice(0, limit)
      .map(({ row }) => ({ line: row.line, tradeNo: row.tradeNo, outTradeNo: row.outTradeNo, amountFen: row.amountFen }));
  }

  async settle(line: number, kind: RepairKind, detail: string): Promise<void> {
    const staged = this.rows.find(({ row }) => row.line === line);
    if (staged) staged.repair = { kind, detail };
  }

  async lateUnbilled(from: Date): Promise<string[]> {
    return this.unbilled(from).map((payment) => payment.tradeNo);
  }

  async lateUnbilledRefunds(from: Date): Promise<string[]> {
    return this.unbilledRefunds(from).map((refund) => refund.outRequestNo);
  }

  async finish(facts: DayFacts): Promise<ReconciliationRun> {
    const items = this.rows.map((staged) => this.itemOf(staged));
    const late = (payment: PaymentSnapshot) =>
      payment.receivedAt >= facts.lateFrom && (facts.nextDay === 'not_ready' || facts.nextDay.billed.has(payment.tradeNo));
    for (const payment of this.unbilled(beijingMidnight(this.date)).filter((payment) => !late(payment))) {
      items.push({
        kind: 'missing_in_bill',
        orderId: payment.orderId,
        tradeNo: payment.tradeNo,
        localAmountFen: payment.amount?.fen ?? null,
        billAmountFen: null,
        detail: `本地于 ${beijingTimestamp(payment.receivedAt)} 记录，账单中没有这笔交易`,
        refundNo: null,
      });
    }
    const lateRefund = (refund: RefundRecord) =>
      refund.refundedAt! >= facts.lateFrom && (facts.nextDay === 'not_ready' || facts.nextDay.refundsBilled.has(refund.outRequestNo));
    for (const refund of this.unbilledRefunds(beijingMidnight(this.date)).filter((refund) => !lateRefund(refund))) {
      items.push({
        kind: 'refund_missing_in_bill',
        orderId: refund.orderId,
        tradeNo: refund.tradeNo,
        localAmountFen: -refund.amount.fen,
        billAmountFen: null,
        detail: `本地于 ${beijingTimestamp(refund.refundedAt!)} 退款成功（退款请求号 ${refund.outRequestNo}），账单中没有这笔退款`,
        refundNo: refund.outRequestNo,
      });
    }
    const recorded = this.recordedOnTheDay(beijingMidnight(this.date));
    const counts = Object.fromEntries(ITEM_KINDS.map((kind) => [kind, 0])) as Record<ItemKind, number>;
    for (const item of items) counts[item.kind]++;
    const run: ReconciliationRun = {
      date: this.date,
      finishedAt: facts.finishedAt,
      counts,
      billTotals: facts.bill.totals,
      localTotals: { count: recorded.length, amountFen: recorded.reduce((sum, payment) => sum + (payment.amount?.fen ?? 0), 0) },
      deferred: facts.deferred,
      problems: runProblems(facts.bill),
    };
    await this.days.save(run, items);
    this.rows = [];
    return run;
  }

  async discard(): Promise<void> {
    this.rows = [];
  }

  private itemOf({ row, repair }: StagedRow): ReconciliationItem {
    const item = (kind: ItemKind, localAmountFen: number | null, detail: string): ReconciliationItem => ({
      kind,
      orderId: row.outTradeNo,
      tradeNo: row.tradeNo,
      localAmountFen,
      billAmountFen: row.amountFen,
      detail,
      refundNo: row.kind === 'refund' && row.refundBatchNo !== null ? fit(row.refundBatchNo, 64) : null,
    });
    if (row.kind === 'refund') {
      const refund = this.refundOf(row);
      const kind = compareRefund(row.amountFen, refund ? { amountFen: refund.amount.fen, status: refund.status } : null);
      const note = kind === 'refund_status_mismatch' ? statusNote(refund!, row.amountFen) : '';
      return item(kind, refund ? -refund.amount.fen : null, `退款批次号 ${(row.refundBatchNo ?? '-').slice(0, 200)}${note}`);
    }
    if (repair) return item(repair.kind, repair.kind === 'missing_locally' ? null : row.amountFen, repair.detail);
    const payment = this.store.payments.get(row.tradeNo);
    if (payment) {
      const localAmountFen = payment.amount?.fen ?? null;
      return item(compareTrade(row.amountFen, { orderId: payment.orderId, amountFen: localAmountFen }), localAmountFen, '');
    }
    if (!this.store.orders.has(row.outTradeNo)) return item('unknown_order', null, '商户订单号在本系统中不存在');
    return item('missing_locally', null, '');
  }

  /** The refund a 退款 row names: its 退款批次号 on its trade. */
  private refundOf(row: BillRow): RefundRecord | undefined {
    const refund = row.refundBatchNo === null ? undefined : this.store.refunds.get(row.refundBatchNo)?.record;
    return refund?.tradeNo === row.tradeNo ? refund : undefined;
  }

  /** Refunds that succeeded from `from` to the day's end that neither this bill nor the day before's run names. */
  private unbilledRefunds(from: Date): RefundRecord[] {
    const billed = new Set(
      this.rows.filter(({ row }) => row.kind === 'refund').map(({ row }) => refundKey(row.tradeNo, row.refundBatchNo)),
    );
    const dayBefore = this.days.refundsBilledOn(beijingTimestamp(beijingMidnight(this.date, -1)).slice(0, 10));
    const until = beijingMidnight(this.date, 1);
    return [...this.store.refunds.values()]
      .map(({ record }) => record)
      .filter((refund) => refund.status === 'refunded' && refund.refundedAt! >= from && refund.refundedAt! < until)
      .filter((refund) => !billed.has(refundKey(refund.tradeNo, refund.outRequestNo)))
      .filter((refund) => !dayBefore.has(refundKey(fit(refund.tradeNo, 64), refund.outRequestNo)))
      .sort((a, b) => a.refundedAt!.getTime() - b.refundedAt!.getTime() || compareText(a.outRequestNo, b.outRequestNo));
  }

  /** Payments recorded from `from` to the day's end that neither this bill nor the day before's run names. */
  private unbilled(from: Date): PaymentSnapshot[] {
    const billed = new Set(this.rows.filter(({ row }) => row.kind === 'trade').map(({ row }) => row.tradeNo));
    const dayBefore = this.days.billedOn(beijingTimestamp(beijingMidnight(this.date, -1)).slice(0, 10));
    return this.recordedOnTheDay(from).filter((payment) => !billed.has(payment.tradeNo) && !dayBefore.has(payment.tradeNo));
  }

  private recordedOnTheDay(from: Date): PaymentSnapshot[] {
    const until = beijingMidnight(this.date, 1);
    return [...this.store.payments.values()]
      .filter((payment) => payment.receivedAt >= from && payment.receivedAt < until)
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }
}
