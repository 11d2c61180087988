import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { PlaceOrder } from '../application/place-order.ts';
import type { OrderRepository } from '../application/ports/order-repository.ts';
import type { Order } from '../domain/order.ts';
import { OrderStatus, PayMethod } from '../domain/order-status.ts';
import { readRawBody } from '../interfaces/http/middleware/raw-body.ts';
import type { DemoOrderChange, DemoOrderChanges } from './demo-order-changes.ts';
import { isYuanAmount } from './yuan.ts';

const SHOP_SCRIPT = readFileSync(new URL('../../views/sandbox/shop.js', import.meta.url), 'utf8');
const DEMO_AMOUNTS = ['3798.00', '88.80', '1299.00'];
const LISTED = 20;
// Meiduo's front end says these; the demo shop stands in for it, so it says them too.
const STATUS_LABELS: Record<OrderStatus, string> = { 1: '待支付', 2: '待发货', 3: '待收货', 4: '待评价', 5: '已完成', 6: '已取消' };
const PAY_METHOD_LABELS: Record<PayMethod, string> = { 1: '货到付款', 2: '支付宝' };
const CHANGE_LABELS: Record<DemoOrderChange['kind'], string> = {
  cancel: '已取消',
  'cash-on-delivery': '已改为货到付款',
  amount: '金额已修改',
};

/**
 * `GET /`: a few UNPAID Alipay orders with a 去支付 button each; `GET /sandbox/orders`: the recent
 * orders in every state, as Meiduo's 我的订单 shows them, where an unpaid one can be cancelled, switched
 * to cash on delivery or given another amount while its cashier is open. Development only.
 */
export class DemoShop {
  constructor(
    private readonly orders: OrderRepository,
    private readonly placeOrder: PlaceOrder,
    private readonly changes: DemoOrderChanges,
  ) {}

  private placedHere = 0;

  /** The demo amounts in turn, so that new orders differ from one another. */
  private nextDemoAmount(): string {
    return DEMO_AMOUNTS[this.placedHere++ % DEMO_AMOUNTS.length]!;
  }

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
    router.post('/sandbox/orders', this.newOrder);
    router.post('/sandbox/orders/:order_id', this.changeOrder);
    router.get('/sandbox/shop.js', (ctx) => {
      ctx.type = 'application/javascript';
      ctx.body = SHOP_SCRIPT;
    });
    return router;
  }

  private home = async (ctx: Context): Promise<void> => {
    const orders = await this.orders.listAwaitingAlipayPayment(20);
    ctx.set('Cache-Control', 'no-store');
    const placed =
      typeof ctx.query.placed === 'string' && orders.some((order) => order.id === ctx.query.placed) ? ctx.query.placed : undefined;
    await ctx.render('sandbox/shop.pug', { orders: orders.map((order) => ({ id: order.id, amount: order.total.toString() })), placed });
  };

  private orderList = async (ctx: Context): Promise<void> => {
    const orders = await this.orders.listRecent(LISTED);
    ctx.set('Cache-Control', 'no-store');
    const changed = typeof ctx.query.changed === 'string' ? ctx.query.changed : undefined;
    const notice =
      changed && orders.some((order) => order.id === changed) ? `订单 ${changed} ${changeLabel(ctx.query.change)}。` : undefined;
    await ctx.render('sandbox/orders.pug', { orders: orders.map(listed), notice });
  };

  /** `POST /sandbox/orders`: 新建演示订单, one more UNPAID Alipay order (of the amount given, or the next demo one), then back to the shop. */
  private newOrder = async (ctx: Context): Promise<void> => {
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, 4 * 1024)));
    const given = (form.get('amount') ?? '').trim();
    if (given !== '' && !isYuanAmount(given)) return this.refuse(ctx, amountRefusal(given), 400, '无法新建订单');
    const placed = await this.placeOrder.execute({ amount: given === '' ? this.nextDemoAmount() : Number(given).toFixed(2) });
    ctx.redirect(`/?${new URLSearchParams({ placed: placed.orderId })}`);
  };

  /** `POST /sandbox/orders/:order_id`: one change to an unpaid order, then back to the list. */
  private changeOrder = async (ctx: Context): Promise<void> => {
    const orderId = ctx.params.order_id ?? '';
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, 4 * 1024)));
    const change = changeFrom(form);
    if (typeof change === 'string') return this.refuse(ctx, change);
    if (!(await this.changes.apply(orderId, change))) return this.refuse(ctx, `订单 ${orderId} 不是待支付的订单，无法修改。`, 409);
    ctx.redirect(`/sandbox/orders?${new URLSearchParams({ changed: orderId, change: change.kind })}`);
  };

  private async refuse(ctx: Context, message: string, status = 400, title = '无法修改订单'): Promise<void> {
    ctx.status = status;
    await ctx.render('sandbox/shop-message.pug', { title, message });
  }
}

function changeFrom(form: URLSearchParams): DemoOrderChange | string {
  const kind = form.get('action');
  if (kind === 'cancel' || kind === 'cash-on-delivery') return { kind };
  if (kind !== 'amount') return '未知的操作。';
  const amount = (form.get('amount') ?? '').trim();
  if (!isYuanAmount(amount)) return amountRefusal(amount);
  return { kind, amount: Number(amount).toFixed(2) };
}

const amountRefusal = (amount: string) => `金额须为 0.01 到 99999999.99 元，最多两位小数（收到 ${JSON.stringify(amount)}）。`;

function changeLabel(kind: unknown): string {
  return typeof kind === 'string' && kind in CHANGE_LABELS ? CHANGE_LABELS[kind as DemoOrderChange['kind']] : '已修改';
}

function listed(order: Order) {
  return {
    id: order.id,
    amount: order.total.toString(),
    payMethod: PAY_METHOD_LABELS[order.payMethod],
    state: STATUS_LABELS[order.status],
    payable: order.awaitsAlipayPayment(),
    unpaid: order.status === OrderStatus.UNPAID,
    alipay: order.payMethod === PayMethod.ALIPAY,
  };
}
