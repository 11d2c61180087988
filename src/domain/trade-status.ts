import type { PaymentSource } from './payment.ts';

/** What an authentic async notify says about money, by Alipay's trade_status and refund fields. */
export type NotifyMeaning = 'paid' | 'not-paid' | 'refund';

/** The facts of an Alipay message that say what kind of message it is. '' where a field is absent. */
export interface MessageKind {
  readonly method: string;
  readonly notifyType: string;
  readonly tradeStatus: string;
  readonly refundFee: string;
  readonly gmtRefund: string;
  /** A query answer's sub_code, such as ACQ.TRADE_NOT_EXIST; absent from callbacks. */
  readonly subCode?: string;
}

/**
 * What Alipay's answer to alipay.trade.query says about a trade: paid; waiting for the buyer; not
 * started (the shopper never reached the cashier, or has not logged in yet); closed unpaid.
 */
export type QueryAnswer = 'paid' | 'waiting' | 'not_started' | 'closed';

const PAID = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);
// A browser returns from the desktop cashier or the phone's; both are signed alike and prove alike.
const PAY_RETURNS = new Set(['alipay.trade.page.pay.return', 'alipay.trade.wap.pay.return']);
export const TRADE_QUERY = 'alipay.trade.query';
const TRADE_STATUS_SYNC = 'trade_status_sync';

/**
 * Why a message cannot be what the channel it arrived on says, or null. A signed notify of a closed
 * trade or a refund replayed to the return URL is authentic, yet it is no proof of payment: a return
 * must be a page-pay or wap-pay return, and a notify a trade status notify.
 */
export function wrongChannel(channel: PaymentSource, kind: MessageKind): string | null {
  if (channel === 'notify') {
    return kind.notifyType === TRADE_STATUS_SYNC ? null : `notify_type ${JSON.stringify(kind.notifyType)} is not ${TRADE_STATUS_SYNC}`;
  }
  if (channel === 'query') return kind.method === TRADE_QUERY ? null : `method ${JSON.stringify(kind.method)} is not ${TRADE_QUERY}`;
  if (!PAY_RETURNS.has(kind.method)) return `method ${JSON.stringify(kind.method)} is not ${[...PAY_RETURNS].join(' or ')}`;
  if (kind.notifyType !== '') return 'a return carries no notify_type';
  if (isRefund(kind)) return 'a return carries no refund fields';
  if (kind.tradeStatus !== '' && !PAID.has(kind.tradeStatus)) return `trade_status ${JSON.stringify(kind.tradeStatus)} reports no payment`;
  return null;
}

/**
 * Only TRADE_SUCCESS and TRADE_FINISHED mean paid; WAIT_BUYER_PAY and TRADE_CLOSED never do. A partial
 * refund re-sends TRADE_SUCCESS with refund_fee or gmt_refund: that is never a new payment.
 */
export function meaningOfNotify(kind: Pick<MessageKind, 'tradeStatus' | 'refundFee' | 'gmtRefund'>): NotifyMeaning {
  if (isRefund(kind)) return 'refund';
  return PAID.has(kind.tradeStatus) ? 'paid' : 'not-paid';
}

/**
 * The meaning of an authentic answer to alipay.trade.query, or null when it says nothing about the
 * trade (a system error, say): that counts as a failed try. TRADE_CLOSED is also what a fully
 * refunded trade reads; the daily bill, not the query, accounts for refunds.
 */
export function meaningOfQueryAnswer(kind: Pick<MessageKind, 'tradeStatus' | 'subCode'>): QueryAnswer | null {
  if (kind.subCode === 'ACQ.TRADE_NOT_EXIST') return 'not_started';
  if (PAID.has(kind.tradeStatus)) return 'paid';
  if (kind.tradeStatus === 'WAIT_BUYER_PAY') return 'waiting';
  if (kind.tradeStatus === 'TRADE_CLOSED') return 'closed';
  return null;
}

function isRefund(kind: Pick<MessageKind, 'refundFee' | 'gmtRefund'>): boolean {
  return kind.refundFee !== '' || kind.gmtRefund !== '';
}
