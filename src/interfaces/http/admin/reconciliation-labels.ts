import type {
  ReconciliationRun,
  StoredItem,
  UnfoundResolution,
  WaitingDiscrepancies,
} from '../../../application/ports/reconciliation-store.ts';
import type { BillTotal } from '../../../application/ports/trade-bill.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import type { DiscrepancyResolution } from '../../../domain/discrepancy.ts';
import { ITEM_KINDS, type ItemKind, isDiscrepancy } from '../../../domain/reconciliation.ts';
import { orderLink } from './admin-labels.ts';
import { fenText, plainYuan } from './amount.ts';
import { billProblemText } from './bill-problem-text.ts';
import { eventSummaryText } from './event-summary-text.ts';

export const KIND_LABELS: Record<ItemKind, string> = {
  matched: '相符',
  repaired: '已补录',
  repaired_for_review: '已补录，待核对',
  missing_locally: '本地缺失',
  amount_mismatch: '金额不符',
  missing_in_bill: '账单缺失',
  unknown_order: '未知订单',
  refund_matched: '退款相符',
  refund_amount_mismatch: '退款金额不符',
  refund_status_mismatch: '退款状态不符',
  refund_unknown: '未知退款',
  refund_missing_in_bill: '账单缺失退款',
  // Runs before refunds were compared: their 退款 rows were kept, never compared.
  refund: '退款（未核对）',
};

/** Kinds no run writes any more: counted only where a stored run shown counted some. */
const LEGACY_KINDS: readonly ItemKind[] = ['refund'];

/** The kinds counted for these runs, one column each: every kind a run writes, and a legacy one some run has. */
export const listedKinds = (runs: readonly ReconciliationRun[]): ItemKind[] =>
  ITEM_KINDS.filter((kind) => !LEGACY_KINDS.includes(kind) || runs.some((run) => run.counts[kind] > 0));

const total = (name: string, { count, amountFen }: BillTotal) => `${name} ${count.toLocaleString('en-US')} 笔 ${fenText(amountFen)}`;

/**
 * What a day shows, in the list and at the top of its own page: plain strings only, for the template to
 * escape. `waiting`: its discrepancies no one has handled, when known; `kinds`: the kinds counted.
 */
export function runSummary(run: ReconciliationRun, waiting?: number, kinds: readonly ItemKind[] = listedKinds([run])) {
  const attention = ITEM_KINDS.filter(isDiscrepancy).reduce((sum, kind) => sum + run.counts[kind], 0);
  return {
    date: run.date,
    link: `/admin/reconciliation/${run.date}`,
    status: '已对账',
    attention: attention > 0 ? `需核对 ${attention} 笔` : '',
    /** How many of those still wait for someone. */
    waiting: attention === 0 || waiting === undefined ? '' : waiting > 0 ? `待处理 ${waiting} 笔` : '已全部处理',
    deferred: run.deferred > 0 ? `${run.deferred} 笔待次日账单确认` : '',
    finishedAt: beijingTimestamp(run.finishedAt),
    counts: kinds.map((kind) => ({ kind, label: KIND_LABELS[kind], count: run.counts[kind] })),
    billTotals: run.billTotals ? `${total('交易', run.billTotals.trades)} / ${total('退款', run.billTotals.refunds)}` : '账单未列合计',
    localTotals: total('本地', run.localTotals),
    problems: run.problems.map(billProblemText),
  };
}

/** A repair's detail quotes the query's English summary (reconcile-day.ts): in Chinese, like the timeline's. */
function itemDetailText(detail: string): string {
  const queried = /^alipay\.trade\.query: (.*)$/s.exec(detail);
  return queried ? `向支付宝查询：${eventSummaryText('query', queried[1]!)}` : detail;
}

/** Where a day's item is shown alone: every field kept of its bill row. */
export const itemLink = (date: string, id: string) => `/admin/reconciliation/${date}/items/${encodeURIComponent(id)}`;

/** The day's rows of one order id, with its row in view. */
export function dayRowLink(date: string, item: Pick<StoredItem, 'id' | 'orderId'>): string {
  return `/admin/reconciliation/${date}?${new URLSearchParams({ order: item.orderId })}#item-${item.id}`;
}

/** Who handled it and when, then what they wrote: one line, for a cell or a CSV column. */
export const resolutionText = (resolution: DiscrepancyResolution) =>
  `${resolution.by}（${beijingTimestamp(resolution.at)}）：${resolution.note}`;

/** 待处理 / 已处理 for a discrepancy; empty for an item that needs nobody. */
export function followUp(item: Pick<StoredItem, 'kind' | 'resolution'>): string {
  return !isDiscrepancy(item.kind) ? '' : item.resolution ? '已处理' : '待处理';
}

/**
 * One item of a day, as its row and its own page show it. A bill row naming no order of ours links to
 * its own page: there is no timeline of an order we do not have.
 */
export function itemRow(date: string, item: StoredItem) {
  const needsAttention = isDiscrepancy(item.kind);
  return {
    id: item.id,
    anchor: `item-${item.id}`,
    kind: KIND_LABELS[item.kind] ?? item.kind,
    needsAttention,
    waiting: needsAttention && item.resolution === null,
    orderId: item.orderId,
    orderLink: item.kind === 'unknown_order' ? itemLink(date, item.id) : orderLink(item.orderId),
    tradeNo: item.tradeNo,
    localAmount: item.localAmountFen === null ? '' : fenText(item.localAmountFen),
    billAmount: item.billAmountFen === null ? '' : fenText(item.billAmountFen),
    /** The CSV's: plain signed numbers that a spreadsheet sums. */
    localYuan: item.localAmountFen === null ? '' : plainYuan(item.localAmountFen),
    billYuan: item.billAmountFen === null ? '' : plainYuan(item.billAmountFen),
    detail: itemDetailText(item.detail),
    followUp: followUp(item),
    resolution: item.resolution ? resolutionText(item.resolution) : '',
    /** What the 已处理 form names the discrepancy by: its key, which a re-run keeps. */
    form: { kind: item.kind, orderId: item.orderId, tradeNo: item.tradeNo },
  };
}

/** A handled discrepancy the day's latest run no longer found. */
export function unfoundRow({ key, resolution }: UnfoundResolution) {
  return {
    kind: KIND_LABELS[key.kind] ?? key.kind,
    orderId: key.orderId,
    orderLink: key.kind === 'unknown_order' ? '' : orderLink(key.orderId),
    tradeNo: key.tradeNo,
    resolution: resolutionText(resolution),
  };
}

/**
 * The payments page's notice of discrepancies waiting: how many, linking to their day when they are all
 * of one (its rows are listed discrepancies first), else to the list of days, which counts them per day.
 */
export function waitingView({ count, atLeast, days }: WaitingDiscrepancies) {
  const [only] = days;
  return {
    count: `${count}${atLeast ? '+' : ''} 笔`,
    link: days.length === 1 && only ? `/admin/reconciliation/${only.date}` : '/admin/reconciliation',
  };
}
