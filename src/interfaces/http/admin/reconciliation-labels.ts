import type { ReconciliationItem, ReconciliationRun } from '../../../application/ports/reconciliation-store.ts';
import type { BillTotal } from '../../../application/ports/trade-bill.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import { ITEM_KINDS, type ItemKind } from '../../../domain/reconciliation.ts';
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
  refund: '退款',
};

/** The kinds someone has to look into: matched, repaired and refund rows need nobody. */
const NEEDS_ATTENTION: ReadonlySet<ItemKind> = new Set([
  'repaired_for_review',
  'missing_locally',
  'amount_mismatch',
  'missing_in_bill',
  'unknown_order',
]);

const total = (name: string, { count, amountFen }: BillTotal) => `${name} ${count.toLocaleString('en-US')} 笔 ${fenText(amountFen)}`;

/** What a day shows, in the list and at the top of its own page: plain strings only, for the template to escape. */
export function runSummary(run: ReconciliationRun) {
  const attention = ITEM_KINDS.filter((kind) => NEEDS_ATTENTION.has(kind)).reduce((sum, kind) => sum + run.counts[kind], 0);
  return {
    date: run.date,
    link: `/admin/reconciliation/${run.date}`,
    status: '已对账',
    attention: attention > 0 ? `需核对 ${attention} 笔` : '',
    deferred: run.deferred > 0 ? `${run.deferred} 笔待次日账单确认` : '',
    finishedAt: beijingTimestamp(run.finishedAt),
    counts: ITEM_KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind], count: run.counts[kind] })),
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

export function itemRow(item: ReconciliationItem) {
  return {
    kind: KIND_LABELS[item.kind] ?? item.kind,
    needsAttention: NEEDS_ATTENTION.has(item.kind),
    orderId: item.orderId,
    orderLink: orderLink(item.orderId),
    tradeNo: item.tradeNo,
    localAmount: item.localAmountFen === null ? '' : fenText(item.localAmountFen),
    billAmount: item.billAmountFen === null ? '' : fenText(item.billAmountFen),
    /** The CSV's: plain signed numbers that a spreadsheet sums. */
    localYuan: item.localAmountFen === null ? '' : plainYuan(item.localAmountFen),
    billYuan: item.billAmountFen === null ? '' : plainYuan(item.billAmountFen),
    detail: itemDetailText(item.detail),
  };
}
