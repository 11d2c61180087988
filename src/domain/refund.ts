import { DomainError } from './errors.ts';
import { Money } from './money.ts';
import { OrderStatus } from './order-status.ts';

/**
 * Money going back to the shopper through alipay.trade.refund. A refund is stored, with its
 * out_request_no, before Alipay is asked, and it is pending until Alipay's signed word settles it:
 * refunded, or refused (which frees its amount again). It never goes back to pending.
 */
export type RefundStatus = 'pending' | 'refunded' | 'refused';

/** ours: asked for by an operator here. external: made in Alipay's portal, learnt from a notify. */
export type RefundOrigin = 'ours' | 'external';

// Alipay's refund_reason holds at most 256 characters.
export const REFUND_REASON_MAX = 256;
// Alipay's out_request_no holds at most 64.
const OUT_REQUEST_NO = /^[A-Za-z0-9_-]{1,64}$/;

export type RefundRefusalCode =
  | 'NO_SUCH_PAYMENT'
  | 'SEVERAL_PAYMENTS'
  | 'NOTHING_REFUNDABLE'
  | 'EXCEEDS_REMAINING'
  | 'INVALID_REFUND_AMOUNT'
  | 'INVALID_REFUND_REASON'
  | 'INVALID_REQUEST_NO'
  | 'REFUND_PENDING';

/** A refund that is not ours to ask for: refused before Alipay is asked, and nothing is stored. */
export class RefundNotAllowed extends DomainError {
  readonly code = 'REFUND_NOT_ALLOWED';
  constructor(
    readonly why: RefundRefusalCode,
    message: string,
    /** What may still be refunded, when a payment was found. */
    readonly remaining: Money | null = null,
  ) {
    super(message);
  }
}

/** The amounts a refund is weighed against: the payment, and the refunds it already has. */
export interface RefundedSoFar {
  readonly amount: Money;
  readonly status: RefundStatus;
}

/** Every refund that is not refused: refunded, or pending and so perhaps already done by Alipay. */
export function heldBy(refunds: readonly RefundedSoFar[]): Money {
  return Money.ofFen(refunds.filter(({ status }) => status !== 'refused').reduce((sum, { amount }) => sum + amount.fen, 0));
}

/** The payment's amount minus every refund that is not refused: pending ones may yet move money. */
export function remainingOf(paid: Money, refunds: readonly RefundedSoFar[]): Money {
  return Money.ofFen(Math.max(0, paid.fen - heldBy(refunds).fen));
}

/** What has really gone back: refunds Alipay confirmed. */
export function refundedOf(refunds: readonly RefundedSoFar[]): Money {
  return Money.ofFen(refunds.filter(({ status }) => status === 'refunded').reduce((sum, { amount }) => sum + amount.fen, 0));
}

/**
 * The amount of a new refund: the one asked for, or all that remains. @throws RefundNotAllowed when
 * nothing remains, or the amount is zero or more than remains
 */
export function refundAmount(asked: Money | null, remaining: Money): Money {
  const amount = asked ?? remaining;
  if (remaining.fen > 0 && amount.fen === 0)
    throw new RefundNotAllowed('INVALID_REFUND_AMOUNT', 'a refund must be more than 0.00', remaining);
  if (remaining.fen === 0 || amount.fen > remaining.fen) throw tooMuch(amount, remaining);
  return amount;
}

/** Why `amount` cannot be refunded when only `remaining` is left. */
export function tooMuch(amount: Money, remaining: Money): RefundNotAllowed {
  if (remaining.fen === 0) return new RefundNotAllowed('NOTHING_REFUNDABLE', 'nothing of this payment is left to refund', remaining);
  return new RefundNotAllowed('EXCEEDS_REMAINING', `${amount} is more than the ${remaining} left to refund`, remaining);
}

/** The reason Alipay and our records keep, trimmed. @throws RefundNotAllowed when empty, too long or holding a NUL */
export function refundReason(text: string): string {
  const reason = text.trim();
  if (reason === '') throw new RefundNotAllowed('INVALID_REFUND_REASON', 'a refund needs a reason');
  if (reason.includes('\u0000')) throw new RefundNotAllowed('INVALID_REFUND_REASON', 'a refund reason cannot hold a NUL character');
  if ([...reason].length > REFUND_REASON_MAX) {
    throw new RefundNotAllowed('INVALID_REFUND_REASON', `a refund reason is at most ${REFUND_REASON_MAX} characters`);
  }
  return reason;
}

export const isOutRequestNo = (text: string): boolean => OUT_REQUEST_NO.test(text);

/** Our out_request_no: when it was asked for (Beijing digits) and 20 random hex digits; never reused. */
export function outRequestNoOf(beijingDigits: string, randomHex: string): string {
  const outRequestNo = `RF${beijingDigits}${randomHex.slice(0, 20)}`;
  if (!OUT_REQUEST_NO.test(outRequestNo)) throw new RangeError(`not an out_request_no: ${outRequestNo}`);
  return outRequestNo;
}

// A paid order that a full refund cancels; UNPAID and CANCELED orders stay as they are.
const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set([
  OrderStatus.UNSEND,
  OrderStatus.UNRECEIVED,
  OrderStatus.UNCOMMENT,
  OrderStatus.FINISHED,
]);

/**
 * Where an order goes once a refund of its payment is confirmed: a payment that paid the order (not one
 * kept for review), refunded in full, cancels it; anything less leaves it as it is (null).
 */
export function orderAfterRefund(
  order: OrderStatus,
  payment: { readonly applied: boolean; readonly amount: Money },
  refundedTotal: Money,
): OrderStatus | null {
  if (!payment.applied || refundedTotal.fen < payment.amount.fen) return null;
  return PAID_STATUSES.has(order) ? OrderStatus.CANCELED : null;
}

/** What Alipay's answer to alipay.trade.refund says, once its signature holds. */
export type RefundCallMeaning =
  /** fund_change Y: this call moved the money. */
  | { readonly kind: 'refunded' }
  /** code 10000 without fund_change Y: a repeat, or not done yet; Alipay says to ask the refund query. */
  | { readonly kind: 'unconfirmed' }
  /** ACQ.SYSTEM_ERROR and other system answers: try again with the same out_request_no. */
  | { readonly kind: 'retry'; readonly why: string }
  /** A business refusal (40004): final for this out_request_no. */
  | { readonly kind: 'refused'; readonly subCode: string; readonly message: string };

/** The fields of a signed refund answer that say what happened. '' where absent. */
export interface RefundAnswerFields {
  readonly code: string;
  readonly subCode: string;
  readonly subMsg: string;
  readonly fundChange: string;
}

export function meaningOfRefundAnswer({ code, subCode, subMsg, fundChange }: RefundAnswerFields): RefundCallMeaning {
  if (code === '10000') return fundChange === 'Y' ? { kind: 'refunded' } : { kind: 'unconfirmed' };
  // 40004 with an ACQ.* sub_code is Alipay's business refusal; 20000 (ACQ.SYSTEM_ERROR, aop.ACQ.SYSTEM_ERROR,
  // isp.*), a refusal of our request's form (isv.*) and anything else may yet succeed, so nothing is freed.
  if (code === '40004' && subCode.startsWith('ACQ.') && subCode !== 'ACQ.SYSTEM_ERROR')
    return { kind: 'refused', subCode, message: subMsg };
  return { kind: 'retry', why: `code ${code}${subCode === '' ? '' : ` ${subCode}`}` };
}

/**
 * What Alipay's answer to alipay.trade.fastpay.refund.query says: refunded; absent (code 10000 naming no
 * refund: Alipay has no such refund, so asking again for it with the same out_request_no is safe); or
 * unknown. Alipay's older gateway named a refund it found by its data alone, without refund_status
 * ("如果该接口返回了查询数据，则代表退款成功"; real answers of 2016 and 2019 in test/fixtures/alipay-real).
 */
export function meaningOfRefundQuery({
  code,
  refundStatus,
  refundAmount,
}: {
  code: string;
  refundStatus: string;
  refundAmount: string;
}): 'refunded' | 'absent' | 'unknown' {
  if (code !== '10000') return 'unknown';
  if (refundStatus === 'REFUND_SUCCESS') return 'refunded';
  if (refundStatus !== '') return 'unknown';
  return refundAmount === '' ? 'absent' : 'refunded';
}

/**
 * When a pending refund is next settled by asking Alipay: not sooner than about 10 s after the call, as
 * Alipay advises, then further apart. Past the last slot it waits for a notify, the bill or an operator.
 */
export const REFUND_CHECK_OFFSETS_MS: readonly number[] = [
  15_000,
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  6 * 3_600_000,
  24 * 3_600_000,
  72 * 3_600_000,
];

/**
 * What a refund notify's cumulative refund_fee adds to the refunds we know of the trade: a refund made in
 * Alipay's portal. Undecidable ('ours_pending') while a refund of ours is pending: Alipay may have done it
 * (its answer lost) or not, and either guess would misstate what went back.
 */
export function portalRefundOf(cumulative: Money, refunds: readonly (RefundedSoFar & { origin: RefundOrigin })[]): Money | 'ours_pending' {
  if (refunds.some(({ status, origin }) => status === 'pending' && origin === 'ours')) return 'ours_pending';
  return Money.ofFen(Math.max(0, cumulative.fen - refundedOf(refunds).fen));
}

/** The resolution a refund gives the review of the payment it refunds: the refund is what was done. */
export function reviewResolutionNote(refund: { amount: Money; outRequestNo: string; reason: string; origin: RefundOrigin }): string {
  const how =
    refund.origin === 'ours' ? `退款 ${refund.amount} 元（退款请求号 ${refund.outRequestNo}）` : `支付宝后台退款 ${refund.amount} 元`;
  return refund.reason === '' ? how : `${how}：${refund.reason}`;
}
