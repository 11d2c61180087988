import { inject, injectable } from 'inversify';
import { OrderNotPayable } from '../domain/errors.ts';
import type { QuerySchedule } from '../domain/query-schedule.ts';
import type { Clock } from './ports/clock.ts';
import type { OrderRepository } from './ports/order-repository.ts';
import type { PaymentEventLog } from './ports/payment-events.ts';
import type { PayChannel, PaymentGateway } from './ports/payment-gateway.ts';
import type { QueryQueue } from './ports/query-queue.ts';
import { TOKENS } from './tokens.ts';

const ORDER_ID = /^[0-9A-Za-z_-]{1,64}$/;

@injectable()
export class StartAlipayPayment {
  constructor(
    @inject(TOKENS.OrderRepository) private readonly orders: OrderRepository,
    @inject(TOKENS.PaymentGateway) private readonly gateway: PaymentGateway,
    @inject(TOKENS.QueryQueue) private readonly queries: QueryQueue,
    @inject(TOKENS.QuerySchedule) private readonly schedule: QuerySchedule | null,
    @inject(TOKENS.PaymentEventLog) private readonly events: PaymentEventLog,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** The Alipay pay URL, on `channel`'s cashier, for an UNPAID Alipay order. @throws OrderNotPayable | StoreUnavailable */
  async execute({ orderId, channel }: { orderId: string; channel: PayChannel }): Promise<{ payUrl: string }> {
    const order = ORDER_ID.test(orderId) ? await this.orders.findById(orderId) : null;
    if (!order?.awaitsAlipayPayment()) throw new OrderNotPayable(orderId);
    const payUrl = this.gateway.payUrl({ orderId: order.id, amount: order.total, subject: `美多商城${order.id}`, channel });
    const at = this.clock.now();
    // The shopper may pay from this URL and never come back: ask Alipay from now on, from the first slot.
    if (this.schedule !== null) await this.queries.restart(order.id, at, this.schedule);
    await this.events.append({ orderId: order.id, at, kind: 'pay_url', summary: `pay URL issued for ¥${order.total.toString()}` });
    return { payUrl };
  }
}
