import type { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { beijingDigits, beijingTimestamp } from '../domain/beijing-time.ts';
import { readRawBody } from '../interfaces/http/middleware/raw-body.ts';
import { newTradeNo, signCallback } from './alipay-signing.ts';
import type { NotifySender } from './notify-sender.ts';
import { type PayRequest, readPayRequest } from './pay-request.ts';
import { isPaid, type SandboxTrade, type SandboxTrades, tradeAt } from './sandbox-trades.ts';
import { type NotifySeller, paymentNotify, tradeFields } from './trade-notify.ts';

export interface CashierDeps {
  readonly appId: string;
  readonly sellerId: string;
  /** Our app's public key: pay requests are verified with it. */
  readonly appKey: KeyObject;
  readonly seller: NotifySeller;
  readonly trades: SandboxTrades;
  readonly notifier: NotifySender;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** The sandbox's cashier: the page a pay URL leads to, and what its buttons do. */
export class SandboxCashier {
  constructor(private readonly deps: CashierDeps) {}

  /** `GET /sandbox/gateway.do`: the cashier of a signed pay request. */
  cashier = async (ctx: Context): Promise<void> => {
    const checked = await this.payable(ctx.querystring);
    if ('refusal' in checked) return this.refuse(ctx, checked.refusal, checked.request);
    const { request } = checked;
    // Alipay creates the order's trade when its buyer reaches the cashier, and closes it at time_expire.
    await this.deps.trades.open(this.tradeFor(request, 'WAIT_BUYER_PAY', this.deps.now()));
    await ctx.render('sandbox/cashier.pug', {
      request,
      query: ctx.querystring,
      bodyClass: `cashier-${request.channel}`,
      expires: request.expiresAt && beijingTimestamp(request.expiresAt),
    });
  };

  /** `POST /sandbox/pay`: 确认付款, 付款但不回跳, or 取消. */
  pay = async (ctx: Context): Promise<void> => {
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, 64 * 1024)));
    const checked = await this.payable(form.get('request') ?? '');
    if ('refusal' in checked) return this.refuse(ctx, checked.refusal, checked.request);
    const { request } = checked;
    const action = form.get('action');
    const shopHome = new URL('/', request.params.return_url).href;
    // As Alipay's cashier: 取消 (wap's 返回) leads back to the shop, to quit_url where the request gave one.
    if (action !== 'pay' && action !== 'pay-silently') return ctx.redirect(request.params.quit_url || shopHome);
    const at = this.deps.now();
    const outcome = await this.deps.trades.pay(this.tradeFor(request, 'TRADE_SUCCESS', at), at);
    if ('refused' in outcome) return this.refuse(ctx, refusalOf(outcome.refused), request);
    const { tradeNo } = outcome.paid;
    // The shop is told of what this request paid, as before the sandbox kept its trades.
    if (action === 'pay')
      return this.tellTheShop(ctx, request, { ...outcome.paid, totalAmount: request.amount, subject: request.subject }, at);
    this.deps.logger.info({ sandbox: true, orderId: request.orderId, tradeNo }, 'sandbox payment made; return and notify dropped');
    await ctx.render('sandbox/message.pug', {
      title: '已付款（回跳与通知均已丢弃）',
      message:
        '交易已成功（沙箱，不会真实扣款），但浏览器没有回到商城，异步通知也没有发出：商城此刻还不知道这笔付款。' +
        '商城会自己向支付宝查询（alipay.trade.query），在它的第一个查询时段内（默认约一分钟）确认付款，订单随后进入付款后的状态（默认待评价）。',
      details: { 订单号: request.orderId, 支付宝交易号: tradeNo, 金额: `¥${request.amount}` },
      backUrl: shopHome,
    });
  };

  /** What 确认付款 does after the trade: the async notify, and the browser back to return_url. */
  private tellTheShop(ctx: Context, request: PayRequest, trade: SandboxTrade, at: Date): void {
    if (request.params.notify_url) this.deps.notifier.send(request.params.notify_url, paymentNotify(trade, this.deps.seller, at));
    const method = `${request.params.method}.return`;
    const ret = signCallback(
      { ...tradeFields(trade, this.deps.seller), method, timestamp: beijingTimestamp(at) },
      this.deps.seller.alipayKey,
      this.deps.seller.signType,
    );
    this.deps.logger.info(
      { sandbox: true, orderId: request.orderId, tradeNo: trade.tradeNo },
      'sandbox payment made; redirecting to return_url',
    );
    ctx.redirect(`${request.params.return_url}?${new URLSearchParams(ret)}`);
  }

  /**
   * The verified pay request while it can still pay; otherwise why Alipay's cashier refuses it, with the
   * request when it verified (to lead the buyer back to its shop).
   */
  private async payable(query: string): Promise<{ request: PayRequest } | { refusal: string; request?: PayRequest }> {
    const request = readPayRequest(this.deps.appKey, this.deps.appId, query);
    if (typeof request === 'string') return { refusal: request };
    const now = this.deps.now();
    if (request.expiresAt !== null && now > request.expiresAt)
      return {
        refusal: `ACQ.TRADE_HAS_CLOSE 交易已关闭：支付链接已于 ${beijingTimestamp(request.expiresAt)} 过期，请回到商城重新发起支付`,
        request,
      };
    const trade = await this.deps.trades.findByOutTradeNo(this.deps.appId, request.orderId);
    const current = trade && tradeAt(trade, now);
    if (current && current.tradeStatus !== 'WAIT_BUYER_PAY') return { refusal: refusalOf(current), request };
    return { request };
  }

  /** The order's trade as this request makes it: a new trade number, `status` at `at`, closing at the request's expiry. */
  private tradeFor(request: PayRequest, status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS', at: Date): SandboxTrade {
    return {
      tradeNo: newTradeNo(beijingDigits(at).slice(0, 8)),
      outTradeNo: request.orderId,
      appId: this.deps.appId,
      sellerId: this.deps.sellerId,
      subject: request.subject,
      totalAmount: request.amount,
      tradeStatus: status,
      gmtCreate: at,
      gmtPayment: status === 'TRADE_SUCCESS' ? at : null,
      gmtClose: status === 'WAIT_BUYER_PAY' ? request.expiresAt : null,
      notifyUrl: request.params.notify_url || null,
    };
  }

  private async refuse(ctx: Context, reason: string, request?: PayRequest): Promise<void> {
    ctx.status = 400;
    // Back to the shop the request came from, where it can be told; otherwise the demo shop.
    const backUrl = request ? request.params.quit_url || new URL('/', request.params.return_url).href : '/';
    await ctx.render('sandbox/message.pug', { title: '支付宝沙箱：请求被拒绝', message: reason, backUrl });
  }
}

/** Alipay's refusal of a payment for an order whose trade is already paid, or closed. */
function refusalOf(trade: SandboxTrade): string {
  if (isPaid(trade)) return `ACQ.TRADE_HAS_SUCCESS 交易已支付：订单 ${trade.outTradeNo} 已由支付宝交易 ${trade.tradeNo} 付款，请勿重复付款`;
  const closedAt = trade.gmtClose ? `于 ${beijingTimestamp(trade.gmtClose)} ` : '';
  return `ACQ.TRADE_HAS_CLOSE 交易已关闭：订单 ${trade.outTradeNo} 的交易${closedAt}超时关闭，不能再付款，请商城重新下单`;
}
