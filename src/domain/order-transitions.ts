import { IllegalTransition } from './errors.ts';
import { OrderStatus } from './order-status.ts';

// Meiduo's whole order lifecycle; anything not listed is illegal. Terminal states map to [].
const ORDER_MOVES: Record<OrderStatus, readonly OrderStatus[]> = {
  [OrderStatus.UNPAID]: [OrderStatus.UNSEND, OrderStatus.UNCOMMENT, OrderStatus.CANCELED],
  [OrderStatus.UNSEND]: [OrderStatus.UNRECEIVED],
  [OrderStatus.UNRECEIVED]: [OrderStatus.UNCOMMENT],
  [OrderStatus.UNCOMMENT]: [OrderStatus.FINISHED],
  [OrderStatus.FINISHED]: [],
  [OrderStatus.CANCELED]: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_MOVES[from].includes(to);
}

/** @throws IllegalTransition */
export function assertMove(from: OrderStatus, to: OrderStatus): void {
  if (!canMove(from, to)) throw new IllegalTransition(from, to);
}
