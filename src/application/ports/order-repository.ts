import type { Order } from '../../domain/order.ts';

export interface OrderRepository {
  findById(id: string): Promise<Order | null>;
  /** UNPAID Alipay orders, newest first. */
  listAwaitingAlipayPayment(limit: number): Promise<Order[]>;
  /** Orders of any status and pay method, newest first. */
  listRecent(limit: number): Promise<Order[]>;
  /** Inserts a new order. */
  add(order: Order): Promise<void>;
}
