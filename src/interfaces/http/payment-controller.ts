import { inject, injectable } from 'inversify';
import type { RouterContext } from '@koa/router';
import type { Context } from 'koa';
import { ConfirmAlipayPayment } from '../../application/confirm-alipay-payment.ts';
import type { AlipayCallbackParser } from '../../application/ports/alipay-callback-parser.ts';
import { StartAlipayPayment } from '../../application/start-alipay-payment.ts';
import { TOKENS } from '../../application/tokens.ts';
import { readRawBody } from './raw-body.ts';

const encoder = new TextEncoder();
// A real notify is about 2 KB.
const MAX_NOTIFY_BYTES = 16 * 1024;

/** How errors of a route are answered: errorHandler reads it. */
export type ReplyFormat = 'page' | 'alipay-notify' | 'json';

@injectable()
export class PaymentController {
  constructor(
    @inject(TOKENS.AlipayCallbackParser) private readonly parser: AlipayCallbackParser,
    @inject(ConfirmAlipayPayment) private readonly confirmPayment: ConfirmAlipayPayment,
    @inject(StartAlipayPayment) private readonly startPayment: StartAlipayPayment,
  ) {}

  /** GET /payment/status/: the shopper's browser, redirected back by Alipay. */
  paymentReturn = async (ctx: Context): Promise<void> => {
    const callback = this.parser.parse(encoder.encode(ctx.querystring));
    const result = await this.confirmPayment.execute({ callback, source: 'return' });
    ctx.set('Cache-Control', 'no-store');
    await ctx.render('pay_success', { tradeId: result.tradeNo });
  };

  /** POST /payment/notify/: Alipay's servers; they retry until the body is exactly `success`. */
  paymentNotify = async (ctx: Context): Promise<void> => {
    ctx.state.replyFormat = 'alipay-notify' satisfies ReplyFormat;
    const callback = this.parser.parse(await readRawBody(ctx, MAX_NOTIFY_BYTES));
    await this.confirmPayment.execute({ callback, source: 'notify' });
    ctx.type = 'text/plain';
    ctx.body = 'success';
  };

  /** GET /payment/:order_id/: the signed Alipay page-pay URL, in the shape Meiduo's front end expects. */
  payUrl = async (ctx: RouterContext): Promise<void> => {
    ctx.state.replyFormat = 'json' satisfies ReplyFormat;
    const { payUrl } = await this.startPayment.execute({ orderId: ctx.params.order_id });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { code: '0', errmsg: 'OK', alipay_url: payUrl };
  };
}
