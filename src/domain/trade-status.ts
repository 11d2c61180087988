/** What an authentic async notify says about money, by Alipay's trade_status and refund fields. */
export type NotifyMeaning = 'paid' | 'not-paid' | 'refund';

const PAID = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

/**
 * Only TRADE_SUCCESS and TRADE_FINISHED mean paid; WAIT_BUYER_PAY and TRADE_CLOSED never do. A partial
 * refund re-sends TRADE_SUCCESS with refund_fee or gmt_refund: that is never a new payment.
 */
export function meaningOfNotify(tradeStatus: string, refundFields: { refundFee: string; gmtRefund: string }): NotifyMeaning {
  if (refundFields.refundFee !== '' || refundFields.gmtRefund !== '') return 'refund';
  return PAID.has(tradeStatus) ? 'paid' : 'not-paid';
}
