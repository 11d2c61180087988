import type { KeyObject } from 'node:crypto';
import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { readRawBody } from '../interfaces/http/middleware/raw-body.ts';
import { loadPrivateKey, loadPublicKey, type SandboxSignType } from './alipay-signing.ts';
import { SandboxBillChanges } from './bill-changes.ts';
import { SandboxBillRows } from './bill-rows.ts';
import { gatewayParams } from './gateway-params.ts';
import { NotifySender } from './notify-sender.ts';
import { SandboxRefundFault } from './refund-fault.ts';
import { REFUND_QUERY, SandboxRefundQuery } from './refund-query.ts';
import { REFUNDS_PATH, SandboxRefundsPage } from './refunds-page.ts';
import { SandboxCashier } from './sandbox-cashier.ts';
import { SandboxRefunds } from './sandbox-refunds.ts';
import { SandboxTrades } from './sandbox-trades.ts';
import { SandboxBillPage } from './trade-bill-page.ts';
import { BILL_DOWNLOAD_URL_QUERY, BILLS_PATH, SandboxBills } from './trade-bills.ts';
import type { NotifySeller } from './trade-notify.ts';
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
  private readonly cashier: SandboxCashier;
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
    this.cashier = new SandboxCashier({
      ...app,
      sellerId: settings.sellerId,
      seller: this.seller,
      trades: this.trades,
      notifier: this.notifier,
      now: this.now,
    });
  }

  routes(): Router {
    const router = new Router();
    router.get(SANDBOX_GATEWAY_PATH, this.cashier.cashier);
    router.post(SANDBOX_GATEWAY_PATH, this.openApi);
    router.get(BILLS_PATH, this.billPage.page);
    router.post(BILLS_PATH, this.billPage.change);
    router.get(`${BILLS_PATH}/:file`, this.bills.download);
    router.get(REFUNDS_PATH, this.refundsPage.page);
    router.post(REFUNDS_PATH, this.refundsPage.change);
    router.post('/sandbox/pay', this.cashier.pay);
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

  /** `GET /sandbox/notifies`: each notify delivery, as a page for a browser and as JSON for scripts. */
  private notifies = async (ctx: Context): Promise<void> => {
    if (ctx.accepts('json', 'html') === 'html') {
      await ctx.render('sandbox/notifies.pug', { deliveries: [...this.notifier.deliveries].reverse() });
      return;
    }
    ctx.body = this.notifier.deliveries;
  };
}
