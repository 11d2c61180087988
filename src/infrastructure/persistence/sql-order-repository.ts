import { inject, injectable } from 'inversify';
import type { OrderRepository } from '../../application/ports/order-repository.ts';
import type { Order } from '../../domain/order.ts';
import { OrderStatus, PayMethod } from '../../domain/order-status.ts';
import { INFRA } from '../tokens.ts';
import type { Sql } from './sql.ts';
import { guarded } from './store-errors.ts';
import { ORDER_COLUMNS, type OrderRecord, toOrder } from './table-records.ts';

const COLUMNS = ORDER_COLUMNS.join(', ');
const FIND = { name: 'order_find', text: `SELECT ${COLUMNS} FROM tb_order_info WHERE order_id = $1` };
const AWAITING = {
  name: 'order_awaiting',
  text: `SELECT ${COLUMNS} FROM tb_order_info WHERE status = $1 AND pay_method = $2 ORDER BY create_time DESC, order_id DESC LIMIT $3`,
};
const RECENT = {
  name: 'order_recent',
  text: `SELECT ${COLUMNS} FROM tb_order_info ORDER BY create_time DESC, order_id DESC LIMIT $1`,
};
const INSERT = {
  name: 'order_insert',
  text: `INSERT INTO tb_order_info (order_id, total_amount, pay_method, status, update_time, create_time) VALUES ($1, $2, $3, $4, $5, $5)`,
};

/** Prepared statements on the driver, on the connections of knex's pool. */
@injectable()
export class SqlOrderRepository implements OrderRepository {
  constructor(@inject(INFRA.Sql) private readonly sql: Sql) {}

  findById(id: string): Promise<Order | null> {
    return guarded(async () => toOrder((await this.sql.query<OrderRecord>(FIND, [id])).rows[0]));
  }

  listAwaitingAlipayPayment(limit: number): Promise<Order[]> {
    return guarded(async () => {
      const { rows } = await this.sql.query<OrderRecord>(AWAITING, [OrderStatus.UNPAID, PayMethod.ALIPAY, limit]);
      return rows.map((row) => toOrder(row)!);
    });
  }

  listRecent(limit: number): Promise<Order[]> {
    return guarded(async () => (await this.sql.query<OrderRecord>(RECENT, [limit])).rows.map((row) => toOrder(row)!));
  }

  add(order: Order): Promise<void> {
    const s = order.toSnapshot();
    return guarded(async () => {
      await this.sql.query(INSERT, [s.id, s.total.toString(), s.payMethod, s.status, s.updatedAt]);
    });
  }
}
