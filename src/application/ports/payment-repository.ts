import type { AwaitedPayment } from '../../domain/awaited-payment.ts';
import type { Order } from '../../domain/order.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { Payment } from '../../domain/payment.ts';

export interface TradeAndOrder {
  /** The payment stored for the trade_no, whichever order it paid; null when there is none yet. */
  readonly payment: Payment | null;
  readonly order: Order | null;
}

export interface PaymentRepository {
  /** Everything recording a trade needs, in one read and without locks. */
  findTrade(tradeNo: string, orderId: string): Promise<TradeAndOrder>;
  /**
   * Stores `awaited.payment` and `awaited.paid` in one atomic write, if and only if the stored order is
   * as `awaited.awaiting` and the trade_no is not stored; a trade_no stored meanwhile leaves the order
   * untouched. Otherwise it writes nothing and answers what findTrade would have, read in the same round
   * trip where it can: a read that may already be stale, as any read without locks.
   */
  recordIfAwaited(awaited: AwaitedPayment): Promise<'recorded' | TradeAndOrder>;
  /**
   * Stores the payment and `order`'s status in one atomic write, if and only if the stored order still
   * has `readStatus`, the status the decision was made on. The database orders concurrent writers (a
   * row lock and the unique trade_no), never this process.
   * The order is checked first: a stale decision is false whether or not its trade_no is stored, and
   * the caller, which reads again after either outcome, then finds the stored payment.
   * @returns false, having written nothing, when the order is not stored or has moved on since it was read
   * @throws DuplicatePayment when the order is as read but the trade_no is already stored (nothing written)
   */
  record(payment: Payment, order: Order, readStatus: OrderStatus): Promise<boolean>;
}
