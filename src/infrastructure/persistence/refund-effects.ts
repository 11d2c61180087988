import type { Knex } from 'knex';
import type { RefundRecord, RefundSettled } from '../../application/ports/refund-store.ts';
import { Money } from '../../domain/money.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import { orderAfterRefund, refundedOf, reviewResolutionNote } from '../../domain/refund.ts';
import { fit } from './column-text.ts';
import { lockPayment, refundsOf } from './refund-rows.ts';

/** What a confirmed refund does beside itself, in its transaction, the payment's row already locked. */
export async function effectsOf(trx: Knex.Transaction, refund: RefundRecord, at: Date): Promise<RefundSettled> {
  const payment = (await lockPayment(trx, refund.tradeNo))!;
  let orderCanceled = false;
  const order = await trx('tb_order_info').where('order_id', refund.orderId).forUpdate().first<{ status: number } | undefined>('status');
  if (order !== undefined && payment.amount !== null) {
    const refunded = refundedOf(await refundsOf(trx, refund.tradeNo));
    const applied = payment.state === 'applied';
    const next = orderAfterRefund(order.status as OrderStatus, { applied, amount: Money.parse(payment.amount) }, refunded);
    if (next !== null) {
      await trx('tb_order_info').where('order_id', refund.orderId).update({ status: next, update_time: at });
      orderCanceled = true;
    }
  }
  const resolved = await trx('tb_payment')
    .where({ trade_id: refund.tradeNo, state: 'needs_review' })
    .whereNull('resolved_at')
    .update({
      resolved_at: at,
      resolved_by: fit(refund.requestedBy || 'alipay', 64),
      resolution_note: fit(reviewResolutionNote(refund), 500),
      update_time: at,
    });
  return { refund, orderCanceled, reviewResolved: resolved > 0 };
}
