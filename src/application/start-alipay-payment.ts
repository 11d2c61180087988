import { inject, injectable } from 'inversify';
import { OrderNotPayable } from '../domain/errors.ts';
import type { OrderRepository } from './ports/order-repository.ts';
import type { PaymentGateway } from './ports/payment-gateway.ts';
import { TOKENS } from './tokens.ts';

const ORDER_ID = /^[0-9A-Za-z_-]{1,64}$/;

@injectable()
export class StartAlipayPayment {
  constructor(
    @inject(TOKENS.OrderRepository) private readonly orders: OrderRepository,
    @inject(TOKENS.PaymentGateway) private readonly gateway: PaymentGateway,
  ) {}

  /** The Alipay page-pay URL for an UNPAID Alipay order. @throws OrderNotPayable | StoreUnavailable */
  async execute({ orderId }: { orderId: string }): Promise<{ payUrl: string }> {
    const order = ORDER_ID.test(orderId) ? await this.orders.findById(orderId) : null;
    if (!order?.awaitsAlipayPayment()) throw new OrderNotPayable(orderId);
    return { payUrl: this.gateway.pagePayUrl({ orderId: order.id, amount: order.total, subject: `美多商城${order.id}` }) };
  }
}
