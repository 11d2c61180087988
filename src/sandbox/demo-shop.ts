import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { PlaceOrder } from '../application/place-order.ts';
import type { OrderRepository } from '../application/ports/order-repository.ts';

const SHOP_SCRIPT = readFileSync(new URL('../../views/sandbox/shop.js', import.meta.url), 'utf8');
const DEMO_AMOUNTS = ['3798.00', '88.80', '1299.00'];

/** `GET /`: a few UNPAID Alipay orders with a 去支付 button each. Development only. */
export class DemoShop {
  constructor(
    private readonly orders: OrderRepository,
    private readonly placeOrder: PlaceOrder,
  ) {}

  /** Places the demo orders when there is nothing left to pay. */
  async ensureDemoOrders(): Promise<string[]> {
    if ((await this.orders.listAwaitingAlipayPayment(1)).length > 0) return [];
    const placed: string[] = [];
    for (const amount of DEMO_AMOUNTS) placed.push((await this.placeOrder.execute({ amount })).orderId);
    return placed;
  }

  routes(): Router {
    const router = new Router();
    router.get('/', this.home);
    router.get('/sandbox/shop.js', (ctx) => {
      ctx.type = 'application/javascript';
      ctx.body = SHOP_SCRIPT;
    });
    return router;
  }

  private home = async (ctx: Context): Promise<void> => {
    const orders = await this.orders.listAwaitingAlipayPayment(20);
    ctx.set('Cache-Control', 'no-store');
    await ctx.render('sandbox/shop.pug', { orders: orders.map((order) => ({ id: order.id, amount: order.total.toString() })) });
  };
}
