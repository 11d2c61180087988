import type { PaymentRecord } from '../../../application/ports/payment-ledger.ts';
import type { RejectionReason, RejectionRecord, ReplayOutcome } from '../../../application/ports/rejection-log.ts';
import type { SignatureDiagnosis } from '../../../application/ports/signature-doctor.ts';
import { isOrderId, type OrderTimeline, type TimelineEntry } from '../../../application/show-order-timeline.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import { Money } from '../../../domain/money.ts';
import type { OrderSnapshot } from '../../../domain/order.ts';
import type { OrderStatus, PayMethod } from '../../../domain/order-status.ts';
import { REVIEW_REASON_LABELS } from '../middleware/error-responses.ts';
import { yuanText } from './amount.ts';
import { discrepancyTimelineRow } from './discrepancy-timeline.ts';
import { eventSummaryText } from './event-summary-text.ts';
import { paymentRefundFacts, refundTimelineRow } from './refund-labels.ts';
import { rejectionDetailText, replayDetailText } from './rejection-detail-text.ts';
import { SOURCE_LABELS } from './source-labels.ts';

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  1: '待支付',
  2: '待发货',
  3: '待收货',
  4: '待评价',
  5: '已完成',
  6: '已取消',
};
export const PAY_METHOD_LABELS: Record<PayMethod, string> = { 1: '货到付款', 2: '支付宝' };
export { SOURCE_LABELS };
export const REJECTION_LABELS: Record<RejectionReason, string> = {
  MALFORMED_CALLBACK: '格式错误',
  INVALID_SIGNATURE: '签名无效',
  NOT_OUR_MERCHANT: '非本商户',
  WRONG_CHANNEL: '消息类型不符',
  ORDER_NOT_FOUND: '订单不存在',
  SIGNATURE_REPAIRED: '签名修复后接受',
};
/** What each finding of the signature doctor means, for staff who must fix its cause. */
export const DIAGNOSIS_LABELS: Record<SignatureDiagnosis, string> = {
  plus_became_space: 'sign 中的“+”在传输中变成了空格（代理或框架多解码了一次）',
  html_escaped: '参数值被 HTML 转义（如 &quot;），还原后验签通过',
  sign_type_signed: '签名内容包含了 sign_type',
  empty_values_signed: '签名内容包含了空值参数',
  signed_by_app_key: '用本应用公钥才能验签：并非支付宝所签，而是持有本应用私钥者所签（测试工具或私钥泄露）',
  other_sign_type: '只有另一种签名算法（RSA/RSA2）能验签：签名类型配置不符',
  unknown_key: '任何已知密钥都无法验签：伪造，或支付宝公钥配置错误',
};
export const REPLAY_LABELS: Record<ReplayOutcome, string> = { recovered: '已恢复', still_refused: '仍被拒绝' };
// The raw view is evidence to read, not the whole of a 16 KB body.
const MAX_RAW_SHOWN = 2_000;

/** What a payment row shows: plain strings only, so the template can do nothing but escape them. */
export function paymentRow(record: PaymentRecord) {
  return {
    id: record.id,
    orderId: record.orderId,
    orderLink: orderLink(record.orderId),
    tradeNo: record.tradeNo ?? '',
    amount: record.amount === null ? '' : yuanText(record.amount),
    /** The CSV's: a plain number that a spreadsheet sums. */
    yuan: record.amount ?? '',
    orderStatus: record.orderStatus === null ? '订单缺失' : (ORDER_STATUS_LABELS[record.orderStatus] ?? String(record.orderStatus)),
    state: record.reviewReason === null ? '已入账' : record.resolution === null ? '待核对' : '已处理',
    reason: record.reviewReason === null ? '' : REVIEW_REASON_LABELS[record.reviewReason],
    pending: record.reviewReason !== null && record.resolution === null,
    /** The refund form of the payment; empty when it cannot be refunded from here. */
    refundLink: record.tradeNo === null || record.amount === null ? '' : refundLink(record.orderId, record.tradeNo),
    resolutionNote: record.resolution?.note ?? '',
    resolvedBy: record.resolution?.by ?? '',
    resolvedAt: record.resolution ? beijingTimestamp(record.resolution.at) : '',
    source: SOURCE_LABELS[record.source] ?? record.source,
    time: beijingTimestamp(record.receivedAt),
  };
}

export function rejectionRow(record: RejectionRecord) {
  return {
    id: record.id,
    time: beijingTimestamp(record.at),
    channel: SOURCE_LABELS[record.channel] ?? record.channel,
    reason: REJECTION_LABELS[record.reason] ?? record.reason,
    detail: rejectionDetailText(record.detail),
    remoteAddress: record.remoteAddress,
    outTradeNo: record.outTradeNo ?? '',
    // Only for one of our orders: a forged out_trade_no may look like an order id too.
    orderLink: record.orderKnown ? orderLink(record.outTradeNo ?? '') : '',
    tradeNo: record.tradeNo ?? '',
    params: record.params,
    diagnosis: record.diagnosis ?? '',
    diagnosisNote: record.diagnosis === null ? '' : (DIAGNOSIS_LABELS[record.diagnosis] ?? ''),
    /** The finding and what it means, in one cell (the CSV's). */
    diagnosisSummary: record.diagnosis === null ? '' : `${record.diagnosis}：${DIAGNOSIS_LABELS[record.diagnosis] ?? ''}`,
    replay: record.replay === null ? '' : `${REPLAY_LABELS[record.replay.outcome]}（${beijingTimestamp(record.replay.at)}）`,
    replayDetail: record.replay ? replayDetailText(record.replay.detail) : '',
    sign: shortSign(new URLSearchParams(rawText(record.raw)).get('sign') ?? ''),
    raw: rawText(record.raw)
      .replace(/(^|&)sign=([^&]*)/g, (_, start: string, sign: string) => `${start}sign=${shortSign(sign)}`)
      .slice(0, MAX_RAW_SHOWN),
  };
}

/** The order's timeline page; empty when `orderId` could not be an order id (a forged out_trade_no, say). */
export function orderLink(orderId: string): string {
  return isOrderId(orderId) ? `/admin/orders/${encodeURIComponent(orderId)}` : '';
}

/** The refund form of one payment of the order; empty for an order id that could not be one. */
export function refundLink(orderId: string, tradeNo: string): string {
  const order = orderLink(orderId);
  return order === '' ? '' : `${order}/refund?${new URLSearchParams({ trade_no: tradeNo })}`;
}

/** The timeline page's model: the order at the top (null when its row is missing), then each entry. */
export function orderTimelinePage(timeline: OrderTimeline) {
  return {
    orderId: timeline.orderId,
    order: timeline.order && orderSummary(timeline.order),
    entries: timeline.entries.map(timelineRow),
    cut: timeline.cut,
    unverifiedAttempts: timeline.unverifiedAttempts,
    rejectionsLink: `/admin/rejections?${new URLSearchParams({ q: timeline.orderId })}`,
  };
}

function orderSummary(order: OrderSnapshot) {
  return {
    id: order.id,
    amount: yuanText(order.total.toString()),
    status: ORDER_STATUS_LABELS[order.status] ?? String(order.status),
    payMethod: PAY_METHOD_LABELS[order.payMethod] ?? String(order.payMethod),
  };
}

export interface TimelineRow {
  readonly time: string;
  /** The row's class: timeline-pay-url, timeline-payment, timeline-needs-review, … */
  readonly kind: string;
  readonly title: string;
  readonly facts: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  /** What the record itself says, in its own words (Alipay's for a query), with what to call it. */
  readonly textLabel: string;
  readonly text: string;
  /** The trade no of a payment still waiting for staff, whose entry offers the 已处理 form; empty otherwise. */
  readonly resolvable?: string;
  /** The refund form of a payment with something left to refund; empty otherwise. */
  readonly refundLink?: string;
  /** A link to where the entry is dealt with (a discrepancy's row of its day). */
  readonly action?: { readonly href: string; readonly text: string };
}

const EVENT_TITLES = { pay_url: '生成支付链接', notify: '收到异步通知', query: '主动查询支付宝' } as const;
const EVENT_TEXT_LABELS = { pay_url: '说明', notify: '通知与处理', query: '支付宝应答' } as const;

export function timelineRow(entry: TimelineEntry): TimelineRow {
  const time = beijingTimestamp(entry.at);
  if (entry.kind === 'discrepancy') return discrepancyTimelineRow(time, entry.discrepancy);
  if (entry.kind === 'refund') return refundTimelineRow(time, entry.refund);
  if (entry.kind === 'payment') {
    const { payment, refunds } = entry;
    const review = payment.reviewReason === null ? '' : REVIEW_REASON_LABELS[payment.reviewReason];
    const { resolution } = payment;
    const facts = [
      { label: '支付状态', value: review ? `${resolution ? '已处理' : '待核对'}：${review}` : '已入账' },
      { label: '金额', value: payment.amount === null ? '未记录' : yuanText(payment.amount) },
      { label: '支付宝交易号', value: payment.tradeNo ?? '' },
    ];
    facts.push(...paymentRefundFacts(payment.amount === null ? null : Money.parse(payment.amount), refunds));
    if (resolution) facts.push({ label: '处理', value: `${resolution.by}，${beijingTimestamp(resolution.at)}` });
    return {
      time,
      kind: !review ? 'timeline-payment' : resolution ? 'timeline-resolved' : 'timeline-needs-review',
      title: `记录支付（${SOURCE_LABELS[payment.source] ?? payment.source}）`,
      facts,
      textLabel: resolution ? '处理说明' : '',
      text: resolution?.note ?? '',
      resolvable: review !== '' && resolution === null && payment.tradeNo !== null ? payment.tradeNo : '',
      refundLink:
        payment.tradeNo !== null && refunds !== null && refunds.remaining.fen > 0 ? refundLink(payment.orderId, payment.tradeNo) : '',
    };
  }
  if (entry.kind === 'rejection') {
    const { rejection } = entry;
    const facts = [
      { label: '原因', value: REJECTION_LABELS[rejection.reason] ?? rejection.reason },
      { label: '交易号', value: rejection.tradeNo ?? '' },
      { label: '来源地址', value: rejection.remoteAddress },
      { label: '签名诊断', value: rejection.diagnosis === null ? '' : (DIAGNOSIS_LABELS[rejection.diagnosis] ?? rejection.diagnosis) },
      {
        label: '重放结果',
        value: rejection.replay === null ? '' : `${REPLAY_LABELS[rejection.replay.outcome]}（${beijingTimestamp(rejection.replay.at)}）`,
      },
    ];
    return {
      time,
      kind: 'timeline-rejection',
      title: `拒绝${SOURCE_LABELS[rejection.channel] ?? rejection.channel}`,
      facts: facts.filter((fact) => fact.value !== ''),
      textLabel: '详情',
      text: rejectionDetailText(rejection.detail),
    };
  }
  return {
    time,
    kind: `timeline-${entry.kind.replace('_', '-')}`,
    title: EVENT_TITLES[entry.kind],
    facts: [],
    textLabel: EVENT_TEXT_LABELS[entry.kind],
    text: eventSummaryText(entry.kind, entry.text),
  };
}

/** Enough of a signature to tell two apart, never one to copy. */
export function shortSign(sign: string): string {
  return sign.length <= 12 ? sign : `${sign.slice(0, 8)}…${sign.slice(-4)}`;
}

const rawText = (raw: Uint8Array) => new TextDecoder().decode(raw);
