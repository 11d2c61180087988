import type { Knex } from 'knex';
import type { DayFacts } from '../../application/ports/staged-bill.ts';
import { BEIJING_TEXT, FEN, ROWS, YUAN_TEXT } from './staged-bill-sql.ts';

// How the staged bill's 退款 rows compare with tb_refund, and which refunds of the day no bill names.

// A 退款 row naming a refund of ours that we hold as pending or refused: the bill says the money went back.
// What its detail tells staff we hold, and what they should do (in-memory-staged-bill.ts words it alike).
export const REFUND_STATUS_NOTES = {
  pending: { held: '本系统中仍在处理中', action: '请在订单时间线上点“向支付宝查询退款”' },
  refused: { held: '本系统记为退款失败', action: '支付宝账单显示已退款，请核实，勿重复退款' },
} as const;

const SAME_REFUND_AMOUNT = `${FEN('r.amount')} = abs(s.amount)`;

/** The kind of a staged 退款 row s, joined to the refund r its 退款批次号 names on its trade. */
export const REFUND_KIND = `CASE WHEN r.out_request_no IS NULL THEN 'refund_unknown'
  WHEN r.status <> 'refunded' THEN 'refund_status_mismatch'
  WHEN ${SAME_REFUND_AMOUNT} THEN 'refund_matched' ELSE 'refund_amount_mismatch' END`;

const { pending, refused } = REFUND_STATUS_NOTES;
/** A refund_status_mismatch's detail after its 退款批次号, which named a refund of ours (64 characters at most): within 300. */
export const REFUND_STATUS_NOTE = `'；' || CASE r.status WHEN 'pending' THEN '${pending.held}' ELSE '${refused.held}' END
  || CASE WHEN ${SAME_REFUND_AMOUNT} THEN ''
          ELSE '，金额也不符（本系统 ' || ${YUAN_TEXT('r.amount')} || '，账单 ' || ${YUAN_TEXT('-s.amount / 100.0')} || '）' END
  || '；' || CASE r.status WHEN 'pending' THEN '${pending.action}' ELSE '${refused.action}' END`;

/** tb_refund r's refunds that succeeded from ? to the day's end that this bill and the day before's stored run do not name. */
export const UNBILLED_REFUNDS = `r.status = 'refunded' AND r.refunded_at >= ? AND r.refunded_at < ?
  AND NOT EXISTS (SELECT 1 FROM ${ROWS} s
                  WHERE s.stage_id = ? AND s.kind = 'refund' AND s.trade_no = r.trade_no AND s.refund_batch_no = r.out_request_no)
  AND NOT EXISTS (SELECT 1 FROM tb_reconciliation_item i
                  WHERE i.bill_date = ?::date - 1 AND i.kind <> 'refund_missing_in_bill'
                    AND i.trade_no = left(r.trade_no, 64) AND i.refund_no = r.out_request_no)`;

/** Refunds that succeeded that day that no bill names: not this one, not the day before's, and not the next day's for a late one. */
export function missingRefundItems(facts: DayFacts): string {
  return `
    INSERT INTO tb_reconciliation_item (bill_date, kind, order_id, trade_no, local_amount, bill_amount, detail, refund_no)
    SELECT ?::date, 'refund_missing_in_bill', r.order_id, left(r.trade_no, 64), -${FEN('r.amount')}, NULL,
           '本地于 ' || ${BEIJING_TEXT('r.refunded_at')} || ' 退款成功（退款请求号 ' || r.out_request_no || '），账单中没有这笔退款',
           r.out_request_no
    FROM tb_refund r
    WHERE ${UNBILLED_REFUNDS}
      AND NOT (r.refunded_at >= ? AND ${facts.nextDay === 'not_ready' ? 'true' : 'r.out_request_no = ANY(?::text[])'})`;
}

export function lateRefundBindings(facts: DayFacts): Knex.RawBinding[] {
  return facts.nextDay === 'not_ready'
    ? [facts.lateFrom]
    : [facts.lateFrom, [...facts.nextDay.refundsBilled] as unknown as Knex.RawBinding];
}
