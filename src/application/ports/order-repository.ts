import type { Order } from '../../domain/order.ts';

export interface OrderRepository {
  findById(id: string): Promise<Order | null>;
  /** Reads the order and holds its row lock until the unit of work ends. */
  lockById(id: string): Promise<Order | null>;
  /** UNPAID Alipay orders, newest first. */
  listAwaitingAlipayPayment(limit: number): Promise<Order[]>;
  /** Inserts a new order. */
  add(order: Order): Promise<void>;
  /** Writes the order's status back. */
  save(order: Order): Promise<void>;
}
