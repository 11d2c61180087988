import type { Knex } from 'knex';
import type { RefundRecord } from '../../application/ports/refund-store.ts';
import { Money } from '../../domain/money.ts';
import type { RefundOrigin, RefundStatus } from '../../domain/refund.ts';
import { fit } from './column-text.ts';

/** One row of tb_refund (migration 016). */
export interface RefundRow {
  out_request_no: string;
  order_id: string;
  trade_no: string;
  amount: string;
  reason: string;
  requested_by: string;
  requested_at: Date;
  origin: RefundOrigin;
  status: RefundStatus;
  settled_at: Date | null;
  refunded_at: Date | null;
  refusal_code: string | null;
  refusal_message: string | null;
}

/** What a refund is weighed against: tb_payment's row of its trade. */
export interface LockedPayment {
  order_id: string;
  amount: string | null;
  state: string;
}

/** The payment's row, locked for the transaction: every write that weighs refunds against it takes this first. */
export function lockPayment(trx: Knex.Transaction, tradeNo: string): Promise<LockedPayment | undefined> {
  return trx<LockedPayment>('tb_payment').where('trade_id', fit(tradeNo, 100)).forUpdate().first('order_id', 'amount', 'state');
}

/** Every refund of the trade, oldest first. */
export async function refundsOf(knex: Knex, tradeNo: string): Promise<RefundRecord[]> {
  const rows = await knex<RefundRow>('tb_refund').where('trade_no', fit(tradeNo, 100)).orderBy(['requested_at', 'out_request_no']);
  return rows.map(recordOf);
}

export function recordOf(row: RefundRow): RefundRecord {
  return {
    outRequestNo: row.out_request_no,
    orderId: row.order_id,
    tradeNo: row.trade_no,
    amount: Money.parse(row.amount),
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at),
    origin: row.origin,
    status: row.status,
    settledAt: row.settled_at === null ? null : new Date(row.settled_at),
    refundedAt: row.refunded_at === null ? null : new Date(row.refunded_at),
    refusal: row.refusal_code === null ? null : { subCode: row.refusal_code, message: row.refusal_message ?? '' },
  };
}
