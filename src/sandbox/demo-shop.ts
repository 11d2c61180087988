import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { PlaceOrder } from '../application/place-order.ts';
import type { OrderRepository } from '../application/ports/order-repository.ts';
import type { Order } from '../domain/order.ts';
import type { OrderStatus, PayMethod } from '../domain/order-status.ts';

const SHOP_SCRIPT = readFileSync(new URL('../../views/sandbox/shop.js', import.meta.url), 'utf8');
const DEMO_AMOUNTS = ['3798.00', '88.80', '1299.00'];
const LISTED = 20;
// Meiduo's front end says these; the demo shop stands in for it, so it says them too.
const STATUS_LABELS: Record<OrderStatus, string> = { 1: '待支付', 2: '待发货', 3: '待收货', 4: '待评价', 5: '已完成', 6: '已取消' };
const PAY_METHOD_LABELS: Record<PayMethod, string> = { 1: '货到付款', 2: '支付宝' };

/**
 * `GET /`: a few UNPAID Alipay orders with a 去支付 button each; `GET /sandbox/orders`: the recent
 * orders in every state, as Meiduo's 我的订单 shows them. Development only.
 */
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
    // shop-links.ts sends 我的订单 and 用户中心 here when SHOP_URL is not set.
    router.get('/sandbox/orders', this.orderList);
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

  private orderList = async (ctx: Context): Promise<void> => {
    const orders = await this.orders.listRecent(LISTED);
    ctx.set('Cache-Control', 'no-store');
    await ctx.render('sandbox/orders.pug', { orders: orders.map(listed) });
  };
}

function listed(order: Order) {
  return {
    id: order.id,
    amount: order.total.toString(),
    payMethod: PAY_METHOD_LABELS[order.payMethod],
    state: STATUS_LABELS[order.status],
    payable: order.awaitsAlipayPayment(),
  };
}
