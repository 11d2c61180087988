import type { PaymentRecord } from '../../application/ports/payment-ledger.ts';
import type { RejectionReason, RejectionRecord } from '../../application/ports/rejection-log.ts';
import { beijingTimestamp } from '../../domain/beijing-time.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { PaymentSource } from '../../domain/payment.ts';
import { REVIEW_REASON_LABELS } from './error-responses.ts';

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  1: '待支付',
  2: '待发货',
  3: '待收货',
  4: '待评价',
  5: '已完成',
  6: '已取消',
};
export const SOURCE_LABELS: Record<PaymentSource, string> = { return: '同步返回', notify: '异步通知' };
export const REJECTION_LABELS: Record<RejectionReason, string> = {
  MALFORMED_CALLBACK: '格式错误',
  INVALID_SIGNATURE: '签名无效',
  NOT_OUR_MERCHANT: '非本商户',
  WRONG_CHANNEL: '消息类型不符',
  ORDER_NOT_FOUND: '订单不存在',
};

/** What a payment row shows: plain strings only, so the template can do nothing but escape them. */
export function paymentRow(record: PaymentRecord) {
  return {
    id: record.id,
    orderId: record.orderId,
    tradeNo: record.tradeNo ?? '',
    amount: record.amount ?? '',
    orderStatus: record.orderStatus === null ? '订单缺失' : (ORDER_STATUS_LABELS[record.orderStatus] ?? String(record.orderStatus)),
    state: record.reviewReason === null ? '已入账' : '待核对',
    reason: record.reviewReason === null ? '' : REVIEW_REASON_LABELS[record.reviewReason],
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
    detail: record.detail,
    remoteAddress: record.remoteAddress,
    outTradeNo: record.outTradeNo ?? '',
    tradeNo: record.tradeNo ?? '',
    params: record.params,
  };
}
