import type { OrderRepository } from '../../src/application/ports/order-repository.ts';
import type { PaymentRepository } from '../../src/application/ports/payment-repository.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { PayMethod } from '../../src/domain/order-status.ts';
import { newOrderId } from './alipay-signer.ts';
import { TEST_NOW } from './clock.ts';

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

/** The suite's instant: persistence tests place their orders then. */
export const T0 = TEST_NOW;

export function anUnpaidOrder(total = '3798.00', id = newOrderId()): Order {
  return Order.place(id, Money.parse(total), PayMethod.ALIPAY, T0);
}
