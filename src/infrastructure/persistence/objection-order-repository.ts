import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { OrderRepository } from '../../application/ports/order-repository.ts';
import type { Order } from '../../domain/order.ts';
import { OrderStatus, PayMethod } from '../../domain/order-status.ts';
import { INFRA } from '../tokens.ts';
import { OrderRow } from './objection-models.ts';
import { guarded } from './store-errors.ts';
import { ORDER_COLUMNS, toOrder } from './table-records.ts';

@injectable()
export class ObjectionOrderRepository implements OrderRepository {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  findById(id: string): Promise<Order | null> {
    return guarded(async () => toOrder(await OrderRow.query(this.knex).select(ORDER_COLUMNS).findById(id)));
  }

  listAwaitingAlipayPayment(limit: number): Promise<Order[]> {
    return guarded(async () => {
      const rows = await OrderRow.query(this.knex)
        .select(ORDER_COLUMNS)
        .where({ status: OrderStatus.UNPAID, pay_method: PayMethod.ALIPAY })
        .orderBy([
          { column: 'create_time', order: 'desc' },
          { column: 'order_id', order: 'desc' },
        ])
        .limit(limit);
      return rows.map((row) => toOrder(row)!);
    });
  }

  listRecent(limit: number): Promise<Order[]> {
    return guarded(async () => {
      const rows = await OrderRow.query(this.knex)
        .select(ORDER_COLUMNS)
        .orderBy([
          { column: 'create_time', order: 'desc' },
          { column: 'order_id', order: 'desc' },
        ])
        .limit(limit);
      return rows.map((row) => toOrder(row)!);
    });
  }

  add(order: Order): Promise<void> {
    const s = order.toSnapshot();
    return guarded(async () => {
      await OrderRow.query(this.knex).insert({
        order_id: s.id,
        total_amount: s.total.toString(),
        pay_method: s.payMethod,
        status: s.status,
        update_time: s.updatedAt,
        create_time: s.updatedAt,
      } as Partial<OrderRow>);
    });
  }
}
