import type { Knex } from 'knex';
import { OrderStatus, PayMethod } from '../domain/order-status.ts';

/** What a shopper or Meiduo itself may do to an unpaid order while its Alipay cashier is still open. */
export type DemoOrderChange = { kind: 'cancel' } | { kind: 'cash-on-delivery' } | { kind: 'amount'; amount: string };

/**
 * The demo shop's stand-in for Meiduo's own order view: it writes tb_order_info as Meiduo would, never
 * through our ports. These are the real ways a payment comes to be kept for review. Development only.
 */
export class DemoOrderChanges {
  constructor(
    private readonly knex: Knex,
    private readonly now: () => Date,
  ) {}

  /** Applies `change` to an UNPAID order; false when the order is not one (paid, cancelled, unknown). */
  async apply(orderId: string, change: DemoOrderChange): Promise<boolean> {
    const columns =
      change.kind === 'cancel'
        ? { status: OrderStatus.CANCELED }
        : change.kind === 'cash-on-delivery'
          ? // Meiduo places a cash-on-delivery order straight into 待发货.
            { pay_method: PayMethod.CASH, status: OrderStatus.UNSEND }
          : { total_amount: change.amount };
    const changed = await this.knex('tb_order_info')
      .where({ order_id: orderId, status: OrderStatus.UNPAID })
      .update({ ...columns, update_time: this.now() });
    return changed === 1;
  }
}
