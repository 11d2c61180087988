import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import { DuplicatePayment } from '../../application/errors.ts';
import type { PaymentRepository, TradeAndOrder } from '../../application/ports/payment-repository.ts';
import type { AwaitedPayment } from '../../domain/awaited-payment.ts';
import type { Order } from '../../domain/order.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { Payment } from '../../domain/payment.ts';
import { INFRA } from '../tokens.ts';
import { OrderRow, PaymentRow } from './objection-models.ts';
import { guarded, isUniqueViolation } from './store-errors.ts';
import { ORDER_COLUMNS, paymentRecord, toOrder, toPayment } from './table-records.ts';

@injectable()
export class ObjectionPaymentRepository implements PaymentRepository {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  findTrade(tradeNo: string, orderId: string): Promise<TradeAndOrder> {
    return guarded(async () => {
      const [payment, order] = await Promise.all([
        PaymentRow.query(this.knex).findOne({ trade_id: tradeNo }),
        OrderRow.query(this.knex).select(ORDER_COLUMNS).findById(orderId),
      ]);
      return { payment: toPayment(payment), order: toOrder(order) };
    });
  }

  /**
   * Reads first, as findTrade: through Objection, two writes take a transaction, three round trips even
   * when the guard lets nothing through, so they are spent only on an order that looked as awaited.
   */
  recordIfAwaited(awaited: AwaitedPayment): Promise<'recorded' | TradeAndOrder> {
    const { awaiting, paid, payment } = awaited;
    return guarded(async () => {
      const read = await this.findTrade(payment.tradeNo, awaiting.id);
      if (read.payment || !read.order || !awaited.isAwaitedBy(read.order.toSnapshot())) return read;
      try {
        const recorded = await this.knex.transaction(async (trx) => {
          const moved = await OrderRow.query(trx).patch({ status: paid.status, update_time: paid.updatedAt }).where({
            order_id: awaiting.id,
            status: awaiting.status,
            pay_method: awaiting.payMethod,
            total_amount: awaiting.total.toString(),
          });
          if (moved === 0) return false;
          // A trade_no stored meanwhile fails the insert and rolls the move back with it.
          await PaymentRow.query(trx).insert(paymentRecord(payment));
          return true;
        });
        if (recorded) return 'recorded';
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      return this.findTrade(payment.tradeNo, awaiting.id);
    });
  }

  /** A transaction: the order's row lock, then the insert and the order's new status. */
  record(payment: Payment, order: Order, readStatus: OrderStatus): Promise<boolean> {
    const row = paymentRecord(payment);
    const { status, updatedAt } = order.toSnapshot();
    return guarded(() =>
      this.knex.transaction(async (trx) => {
        const stored = await OrderRow.query(trx).select('status').findById(order.id).forUpdate();
        if (stored?.status !== readStatus) return false;
        try {
          await PaymentRow.query(trx).insert(row);
        } catch (error) {
          throw isUniqueViolation(error) ? new DuplicatePayment(payment.tradeNo) : error;
        }
        if (status !== readStatus) await OrderRow.query(trx).findById(order.id).patch({ status, update_time: updatedAt });
        return true;
      }),
    );
  }
}
