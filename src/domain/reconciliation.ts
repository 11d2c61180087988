import type { RefundStatus } from './refund.ts';

/**
 * 对账: how one Beijing day's Alipay trade bill and the payments we recorded compare.
 * - matched: a 交易 row whose trade_no we recorded, for the same amount (whatever day we recorded it);
 * - repaired: a 交易 row we had not recorded, whose order is ours, recorded now after alipay.trade.query
 *   confirmed it; repaired_for_review: the same, but the payment was kept for review (the order was
 *   cancelled or paid meanwhile, say), so someone must act; missing_locally: the query did not confirm it;
 * - amount_mismatch: both sides have the trade, with different amounts;
 * - missing_in_bill: a payment we recorded that day whose trade is in no bill row;
 * - unknown_order: a 交易 row whose order is not ours;
 * - refund_matched: a 退款 row whose 退款批次号/请求号 (on the same trade) is a refund we hold, ours or
 *   external, for the same amount; refund_amount_mismatch: the same, with a different amount;
 *   refund_status_mismatch: a refund we hold as refused or still pending, whatever its amount: Alipay
 *   moved the money, yet our books either freed the amount (it could be refunded twice) or wait still;
 * - refund_unknown: a 退款 row naming no refund we hold (made in Alipay's portal and never notified);
 * - refund_missing_in_bill: a refund that succeeded that day whose out_request_no is in no 退款 row;
 * - refund: what runs before refunds were compared called every 退款 row. Kept so that their stored
 *   items stay readable; no run writes it any more.
 * A 退款 row is never a payment.
 */
export const ITEM_KINDS = [
  'matched',
  'repaired',
  'repaired_for_review',
  'missing_locally',
  'amount_mismatch',
  'missing_in_bill',
  'unknown_order',
  'refund_matched',
  'refund_amount_mismatch',
  'refund_status_mismatch',
  'refund_unknown',
  'refund_missing_in_bill',
  'refund',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** The kinds someone has to look into, 差异: matched, repaired and refund_matched items need nobody. */
export const DISCREPANCY_KINDS = [
  'repaired_for_review',
  'missing_locally',
  'amount_mismatch',
  'missing_in_bill',
  'unknown_order',
  'refund_amount_mismatch',
  'refund_status_mismatch',
  'refund_unknown',
  'refund_missing_in_bill',
] as const satisfies readonly ItemKind[];
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export const isDiscrepancy = (kind: ItemKind): kind is DiscrepancyKind => (DISCREPANCY_KINDS as readonly ItemKind[]).includes(kind);

/** What we hold of a trade the bill names. amountFen is null for rows Meiduo's own code wrote. */
export interface LocalTrade {
  readonly orderId: string;
  readonly amountFen: number | null;
}

/** A 交易 row of the bill, compared with what we hold of its trade. */
export function compareTrade(billAmountFen: number, local: LocalTrade): 'matched' | 'amount_mismatch' {
  // A row without an amount (Meiduo's own) cannot disagree: the trade is ours and recorded.
  return local.amountFen === null || local.amountFen === billAmountFen ? 'matched' : 'amount_mismatch';
}

/** What a 退款 row can be: the kinds of refunds the bill names. */
export type BilledRefundKind = 'refund_matched' | 'refund_amount_mismatch' | 'refund_status_mismatch' | 'refund_unknown';

/** What we hold of the refund a 退款 row names. */
export interface HeldRefund {
  readonly amountFen: number;
  readonly status: RefundStatus;
}

/**
 * A 退款 row of the bill (its amount negative, as Alipay writes refunds), compared with the refund we hold
 * under its 退款批次号/请求号, or null when we hold none. A status that is not refunded outranks an amount
 * that differs: a refused refund the bill has is money gone whose amount our books freed.
 */
export function compareRefund(billAmountFen: number, ours: HeldRefund | null): BilledRefundKind {
  if (ours === null) return 'refund_unknown';
  if (ours.status !== 'refunded') return 'refund_status_mismatch';
  return Math.abs(billAmountFen) === ours.amountFen ? 'refund_matched' : 'refund_amount_mismatch';
}

// Alipay bills a trade by when it was paid; we record it moments later. One recorded this close to
// midnight may be in the next day's bill, so it is not called missing until that bill has been read.
// The same holds for a refund and when it succeeded.
const MIDNIGHT_MARGIN_MS = 10 * 60_000;

/** The first instant of the day ending at `dayEnd` whose payments (and refunds) may be billed the next day instead. */
export function lateFrom(dayEnd: Date): Date {
  return new Date(dayEnd.getTime() - MIDNIGHT_MARGIN_MS);
}
