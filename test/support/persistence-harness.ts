import type { OrderRepository } from '../../src/application/ports/order-repository.ts';
import type { PaymentRepository } from '../../src/application/ports/payment-repository.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { PayMethod } from '../../src/domain/order-status.ts';
import { newOrderId } from './alipay-signer.ts';

/** Fresh, empty adapters of one technology that share one store. */
export interface Persistence {
  readonly orders: OrderRepository;
  readonly payments: PaymentRepository;
}

export interface PersistenceHarness {
  readonly name: string;
  create(): Promise<Persistence>;
  close(): Promise<void>;
}

export const T0 = new Date('2026-11-26T07:30:00.000Z');

export function anUnpaidOrder(total = '3798.00', id = newOrderId()): Order {
  return Order.place(id, Money.parse(total), PayMethod.ALIPAY, T0);
}
