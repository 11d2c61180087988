import { randomInt } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { beijingDigits } from '../domain/beijing-time.ts';
import { Money } from '../domain/money.ts';
import { Order } from '../domain/order.ts';
import { PayMethod } from '../domain/order-status.ts';
import type { Clock } from './ports/clock.ts';
import type { OrderRepository } from './ports/order-repository.ts';
import { TOKENS } from './tokens.ts';

/** Places an UNPAID Alipay order: for the demo shop and `npm run orders`, where there is no cart. */
@injectable()
export class PlaceOrder {
  constructor(
    @inject(TOKENS.OrderRepository) private readonly orders: OrderRepository,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @throws InvalidMoney | StoreUnavailable */
  async execute({ amount }: { amount: string }): Promise<{ orderId: string }> {
    const now = this.clock.now();
    const order = Order.place(meiduoOrderId(now), Money.parse(amount), PayMethod.ALIPAY, now);
    await this.orders.add(order);
    return { orderId: order.id };
  }
}

/** Meiduo's shape: Beijing time yyyyMMddHHmmss, then nine digits (Meiduo's user id; random here). */
function meiduoOrderId(now: Date): string {
  return beijingDigits(now) + String(randomInt(1_000_000_000)).padStart(9, '0');
}
