import type { SandboxTrade } from './sandbox-trades.ts';
import { yuan } from './trade-bill-lines.ts';
import { fenOf } from './yuan.ts';

/** A refund of a sandbox trade: made through alipay.trade.refund, or only listed by the bill. */
export interface SandboxRefund {
  readonly tradeNo: string;
  /** The merchant's refund request number: one refund per number and trade. */
  readonly outRequestNo: string;
  /** Yuan, two decimals. */
  readonly amount: string;
  readonly at: Date;
  /** Listed by the bill alone (the bills page's 今天全额退款): the trade, its queries and its refunds know nothing of it. */
  readonly billOnly: boolean;
}

/** What alipay.trade.refund asks: out_request_no (null when not given) and refund_amount (yuan, at most two decimals). */
export interface RefundAsk {
  readonly outRequestNo: string | null;
  readonly amount: string;
}

export interface RefundRefusal {
  readonly subCode: string;
  readonly subMsg: string;
}

/** What Alipay makes of a refund request, given the trade and its refunds so far. */
export type RefundDecision =
  /** Money moves now: a refund of `amountFen` under `outRequestNo`; `closes` when nothing remains after it. */
  | { readonly kind: 'new'; readonly outRequestNo: string; readonly amountFen: number; readonly closes: boolean }
  /** The same request again: nothing moves, the refund made before is answered. */
  | { readonly kind: 'repeat'; readonly refund: SandboxRefund }
  | ({ readonly kind: 'refused' } & RefundRefusal);

const refused = (subCode: string, subMsg: string): RefundDecision => ({ kind: 'refused', subCode, subMsg });

/**
 * Alipay's refund rules: idempotent per out_request_no (a repeat with another amount refused), never more
 * than the trade's amount minus its refunds, only of a trade paid and not closed. Without out_request_no
 * the request is the order's own number, and only the whole amount may be refunded.
 * `refunds` are the trade's refunds (bill-only ones left out).
 */
export function decideRefund(trade: SandboxTrade | undefined, refunds: readonly SandboxRefund[], ask: RefundAsk): RefundDecision {
  if (!trade) return refused('ACQ.TRADE_NOT_EXIST', '交易不存在');
  const outRequestNo = ask.outRequestNo ?? trade.outTradeNo;
  const amountFen = fenOf(ask.amount);
  const before = refunds.find((refund) => refund.outRequestNo === outRequestNo);
  if (before) {
    if (fenOf(before.amount) === amountFen) return { kind: 'repeat', refund: before };
    return refused('ACQ.DISCORDANT_REPEAT_REQUEST', `退款请求号 ${outRequestNo} 已以 ${before.amount} 元退款，本次请求的金额不一致`);
  }
  if (trade.tradeStatus !== 'TRADE_SUCCESS' && trade.tradeStatus !== 'TRADE_FINISHED')
    return refused('ACQ.TRADE_NOT_ALLOW_REFUND', trade.gmtPayment === null ? '交易未付款，不允许退款' : '交易已关闭，不允许退款');
  const totalFen = fenOf(trade.totalAmount);
  const remainingFen = totalFen - refundedFen(refunds);
  if (amountFen <= 0) return refused('ACQ.REASON_TRADE_REFUND_FEE_ERR', '退款金额无效');
  if (amountFen > remainingFen) return refused('ACQ.REASON_TRADE_REFUND_FEE_ERR', `退款金额超限：最多还可退 ${yuan(remainingFen)} 元`);
  if (ask.outRequestNo === null && amountFen !== totalFen)
    return refused('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '未传退款请求号时，退款金额须等于交易金额');
  return { kind: 'new', outRequestNo, amountFen, closes: amountFen === remainingFen };
}

/** What the trade's refunds add up to, in fen: Alipay's cumulative refund_fee. */
export function refundedFen(refunds: readonly SandboxRefund[]): number {
  return refunds.reduce((sum, refund) => sum + fenOf(refund.amount), 0);
}
