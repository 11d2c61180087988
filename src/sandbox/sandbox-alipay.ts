import type { KeyObject } from 'node:crypto';
import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { beijingDigits, beijingTimestamp } from '../domain/beijing-time.ts';
import { readRawBody } from '../interfaces/http/middleware/raw-body.ts';
import { loadPrivateKey, loadPublicKey, newTradeNo, type SandboxSignType, signCallback } from './alipay-signing.ts';
import { SandboxBillChanges } from './bill-changes.ts';
import { SandboxBillRows } from './bill-rows.ts';
import { gatewayParams } from './gateway-params.ts';
import { NotifySender } from './notify-sender.ts';
import { type PayRequest, readPayRequest } from './pay-request.ts';
import { SandboxRefundFault } from './refund-fault.ts';
import { REFUND_QUERY, SandboxRefundQuery } from './refund-query.ts';
import { REFUNDS_PATH, SandboxRefundsPage } from './refunds-page.ts';
import { SandboxRefunds } from './sandbox-refunds.ts';
import { isPaid, type SandboxTrade, SandboxTrades, tradeAt } from './sandbox-trades.ts';
import { SandboxBillPage } from './trade-bill-page.ts';
import { BILL_DOWNLOAD_URL_QUERY, BILLS_PATH, SandboxBills } from './trade-bills.ts';
import { type NotifySeller, paymentNotify, tradeFields } from './trade-notify.ts';
import { SandboxTradeQuery } from './trade-query.ts';
import { SandboxTradeRefund, TRADE_REFUND } from './trade-refund.ts';

export interface SandboxSettings {
  readonly appId: string;
  readonly sellerId: string;
  readonly signType: SandboxSignType;
  /** PEM of the key the sandbox signs with, standing in for Alipay's. */
  readonly alipayPrivateKeyPem: string;
  /** PEM of our app's public key, as uploaded to the Alipay console. */
  readonly appPublicKeyPem: string;
  readonly logger: Logger;
  /** The service's database: the sandbox keeps its own trades there, in a table of its own. */
  readonly knex: Knex;
  /** 1 by default: Alipay's retry minutes become seconds. */
  readonly secondsPerMinute?: number;
  /**
   * Serve the bill of today (Beijing), with the trades paid so far; true by default, so that a
   * reconciliation can be tried at once. Alipay itself publishes a day's bill the next morning.
   */
  readonly billsForToday?: boolean;
  /** The sandbox's clock: when a trade is paid, which day is today, when a bill URL expires. The system's by default. */
  readonly now?: () => Date;
}

export const SANDBOX_GATEWAY_PATH = '/sandbox/gateway.do';

/** A simulated Alipay: cashier, signed return, async notify, trade query, refunds and daily trade bill. Development only. */
export class SandboxAlipay {
  private readonly alipayKey: KeyObject;
  private readonly appKey: KeyObject;
  readonly notifier: NotifySender;
  readonly trades: SandboxTrades;
  private readonly tradeQuery: SandboxTradeQuery;
  readonly refunds: SandboxRefunds;
  /** The switch that makes the next refund go unanswered. */
  readonly refundFault: SandboxRefundFault;
  private readonly tradeRefund: SandboxTradeRefund;
  private readonly refundQuery: SandboxRefundQuery;
  private readonly refundsPage: SandboxRefundsPage;
  readonly bills: SandboxBills;
  private readonly billPage: SandboxBillPage;
  private readonly now: () => Date;

  constructor(private readonly settings: SandboxSettings) {
    this.now = settings.now ?? (() => new Date());
    this.alipayKey = loadPrivateKey(settings.alipayPrivateKeyPem);
    this.appKey = loadPublicKey(settings.appPublicKeyPem);
    this.notifier = new NotifySender(settings.logger, settings.secondsPerMinute);
    this.trades = new SandboxTrades(settings.knex);
    this.tradeQuery = new SandboxTradeQuery({
      appId: settings.appId,
      appKey: this.appKey,
      alipayKey: this.alipayKey,
      trades: this.trades,
      logger: settings.logger,
      now: this.now,
    });
    this.refunds = new SandboxRefunds(settings.knex, this.trades);
    this.refundFault = new SandboxRefundFault(settings.knex, this.now);
    const app = { appId: settings.appId, appKey: this.appKey, alipayKey: this.alipayKey, logger: settings.logger };
    this.tradeRefund = new SandboxTradeRefund({
      ...app,
      ...this.seller,
      refunds: this.refunds,
      fault: this.refundFault,
      notifier: this.notifier,
      now: this.now,
    });
    this.refundQuery = new SandboxRefundQuery({ ...app, trades: this.trades, refunds: this.refunds });
    this.refundsPage = new SandboxRefundsPage(this.refunds, this.trades, this.refundFault);
    const changes = new SandboxBillChanges(settings.knex);
    const billSettings = {
      appId: settings.appId,
      sellerId: settings.sellerId,
      appKey: this.appKey,
      alipayKey: this.alipayKey,
      trades: this.trades,
      changes,
      refunds: this.refunds,
      rows: new SandboxBillRows(settings.knex, async () => {
        await this.trades.ready();
        await changes.ready();
        await this.refunds.ready();
      }),
      logger: settings.logger,
      now: this.now,
      billsForToday: settings.billsForToday ?? true,
    };
    this.bills = new SandboxBills(billSettings);
    this.billPage = new SandboxBillPage(billSettings);
  }

  routes(): Router {
    const router = new Router();
    router.get(SANDBOX_GATEWAY_PATH, this.cashier);
    router.post(SANDBOX_GATEWAY_PATH, this.openApi);
    router.get(BILLS_PATH, this.billPage.page);
    router.post(BILLS_PATH, this.billPage.change);
    router.get(`${BILLS_PATH}/:file`, this.bills.download);
    router.get(REFUNDS_PATH, this.refundsPage.page);
    router.post(REFUNDS_PATH, this.refundsPage.change);
    router.post('/sandbox/pay', this.pay);
    router.get('/sandbox/notifies', this.notifies);
    return router;
  }

  close(): void {
    this.notifier.close();
    this.refundFault.close();
  }

  /** Who the sandbox's notifies and returns come from, and how it signs them. */
  private get seller(): NotifySeller {
    const { appId, sellerId, signType } = this.settings;
    return { appId, sellerId, signType, alipayKey: this.alipayKey };
  }

  /**
   * `POST /sandbox/gateway.do`: the bill's download URL, a refund, a refund query, or alipay.trade.query
   * (which refuses any other method).
   */
  private openApi = async (ctx: Context): Promise<void> => {
    const body = new TextDecoder().decode(await readRawBody(ctx, 64 * 1024));
    const read = gatewayParams(ctx.querystring, body);
    const method = 'params' in read ? read.params.method : undefined;
    if (method === BILL_DOWNLOAD_URL_QUERY && 'params' in read) return this.bills.respond(ctx, read.params);
    if (method === TRADE_REFUND) return this.tradeRefund.respond(ctx, ctx.querystring, body);
    if (method === REFUND_QUERY) return this.refundQuery.respond(ctx, ctx.querystring, body);
    return this.tradeQuery.respond(ctx, ctx.querystring, body);
  };

  private cashier = async (ctx: Context): Promise<void> => {
    const checked = await this.payable(ctx.querystring);
    if ('refusal' in checked) return this.refuse(ctx, checked.refusal, checked.request);
    const { request } = checked;
    // Alipay creates the order's trade when its buyer reaches the cashier, and closes it at time_expire.
    await this.trades.open(this.tradeFor(request, 'WAIT_BUYER_PAY', this.now()));
    await ctx.render('sandbox/cashier.pug', {
      request,
      query: ctx.querystring,
      bodyClass: `cashier-${request.channel}`,
      expires: request.expiresAt && beijingTimestamp(request.expiresAt),
    });
  };

  /** `GET /sandbox/notifies`: each notify delivery, as a page for a browser and as JSON for scripts. */
  private notifies = async (ctx: Context): Promise<void> => {
    if (ctx.accepts('json', 'html') === 'html') {
      await ctx.render('sandbox/notifies.pug', { deliveries: [...this.notifier.deliveries].reverse() });
      return;
    }
    ctx.body = this.notifier.deliveries;
  };

  private pay = async (ctx: Context): Promise<void> => {
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, 64 * 1024)));
    const checked = await this.payable(form.get('request') ?? '');
    if ('refusal' in checked) return this.refuse(ctx, checked.refusal, checked.request);
    const { request } = checked;
    const action = form.get('action');
    const shopHome = new URL('/', request.params.return_url).href;
    // As Alipay's cashier: 取消 (wap's 返回) leads back to the shop, to quit_url where the request gave one.
    if (action !== 'pay' && action !== 'pay-silently') return ctx.redirect(request.params.quit_url || shopHome);
    const at = this.now();
    const outcome = await this.trades.pay(this.tradeFor(request, 'TRADE_SUCCESS', at), at);
    if ('refused' in outcome) return this.refuse(ctx, refusalOf(outcome.refused), request);
    const { tradeNo } = outcome.paid;
    // The shop is told of what this request paid, as before the sandbox kept its trades.
    if (action === 'pay')
      return this.tellTheShop(ctx, request, { ...outcome.paid, totalAmount: request.amount, subject: request.subject }, at);
    this.settings.logger.info({ sandbox: true, orderId: request.orderId, tradeNo }, 'sandbox payment made; return and notify dropped');
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
    if (request.params.notify_url) this.notifier.send(request.params.notify_url, paymentNotify(trade, this.seller, at));
    const method = `${request.params.method}.return`;
    const ret = signCallback(
      { ...tradeFields(trade, this.seller), method, timestamp: beijingTimestamp(at) },
      this.alipayKey,
      this.settings.signType,
    );
    this.settings.logger.info(
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
    const request = readPayRequest(this.appKey, this.settings.appId, query);
    if (typeof request === 'string') return { refusal: request };
    const now = this.now();
    if (request.expiresAt !== null && now > request.expiresAt)
      return {
        refusal: `ACQ.TRADE_HAS_CLOSE 交易已关闭：支付链接已于 ${beijingTimestamp(request.expiresAt)} 过期，请回到商城重新发起支付`,
        request,
      };
    const trade = await this.trades.findByOutTradeNo(this.settings.appId, request.orderId);
    const current = trade && tradeAt(trade, now);
    if (current && current.tradeStatus !== 'WAIT_BUYER_PAY') return { refusal: refusalOf(current), request };
    return { request };
  }

  /** The order's trade as this request makes it: a new trade number, `status` at `at`, closing at the request's expiry. */
  private tradeFor(request: PayRequest, status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS', at: Date): SandboxTrade {
    return {
      tradeNo: newTradeNo(beijingDigits(at).slice(0, 8)),
      outTradeNo: request.orderId,
      appId: this.settings.appId,
      sellerId: this.settings.sellerId,
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
