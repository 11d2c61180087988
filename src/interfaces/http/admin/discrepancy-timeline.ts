import type { TimelineDiscrepancy } from '../../../application/show-order-timeline.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import type { TimelineRow } from './admin-labels.ts';
import { fenText } from './amount.ts';
import { dayRowLink, followUp, KIND_LABELS } from './reconciliation-labels.ts';

/** A reconciliation discrepancy in its order's timeline: what the day's bill showed, and who handled it. */
export function discrepancyTimelineRow(time: string, discrepancy: TimelineDiscrepancy): TimelineRow {
  const { date, kind, tradeNo, item, resolution } = discrepancy;
  const amount = (fen: number | null | undefined) => (fen === null || fen === undefined ? '' : fenText(fen));
  const facts = [
    { label: '账单日期', value: date },
    { label: '支付宝交易号', value: tradeNo },
    { label: '退款请求号', value: item?.refundNo ?? '' },
    { label: '本地金额', value: amount(item?.localAmountFen) },
    { label: '账单金额', value: amount(item?.billAmountFen) },
    { label: '说明', value: item?.detail ?? '' },
    { label: '状态', value: item ? followUp(item) : '已处理；重新对账后不再出现这条差异' },
    { label: '处理', value: resolution ? `${resolution.by}，${beijingTimestamp(resolution.at)}` : '' },
  ];
  return {
    time,
    kind: resolution ? 'timeline-resolved' : 'timeline-needs-review',
    title: `对账差异：${KIND_LABELS[kind] ?? kind}（${date} 账单）`,
    facts: facts.filter((fact) => fact.value !== ''),
    textLabel: resolution ? '处理说明' : '',
    text: resolution?.note ?? '',
    // To the day's row, where the 已处理 form is: one handled and no longer found has none.
    action: item ? { href: dayRowLink(date, item), text: resolution ? '查看对账明细' : '去处理' } : undefined,
  };
}
