import type { RouterContext } from '@koa/router';
import { inject, injectable } from 'inversify';
import type { SignatureDiagnosis } from '../../../application/ports/signature-doctor.ts';
import { ReceiveAlipayCallback } from '../../../application/receive-alipay-callback.ts';
import { StartAlipayPayment } from '../../../application/start-alipay-payment.ts';
import type { AppContext, AppState } from '../app-state.ts';
import { readRawBody } from '../middleware/raw-body.ts';
import { renderPage } from '../pages.ts';
import { payChannelFor } from './pay-channel.ts';

const encoder = new TextEncoder();
// A real notify is about 2 KB.
const MAX_NOTIFY_BYTES = 16 * 1024;

@injectable()
export class PaymentController {
  constructor(
    @inject(ReceiveAlipayCallback) private readonly receiveCallback: ReceiveAlipayCallback,
    @inject(StartAlipayPayment) private readonly startPayment: StartAlipayPayment,
  ) {}

  /** GET /payment/status/: the shopper's browser, redirected back by Alipay. */
  paymentReturn = async (ctx: AppContext): Promise<void> => {
    const raw = encoder.encode(ctx.querystring);
    const result = await this.receiveCallback.execute({ raw, source: 'return', remoteAddress: ctx.ip });
    ctx.state.confirmed = result;
    warnOfRepair(ctx, result.repaired);
    ctx.set('Cache-Control', 'no-store');
    renderPage(ctx, 'pay_success.pug', { tradeId: result.tradeNo, orderId: result.orderId, amount: result.amount?.toString() });
  };

  /** POST /payment/notify/: Alipay's servers; they retry until the body is exactly `success`. */
  paymentNotify = async (ctx: AppContext): Promise<void> => {
    const raw = await readRawBody(ctx, MAX_NOTIFY_BYTES);
    ctx.state.confirmed = await this.receiveCallback.execute({ raw, source: 'notify', remoteAddress: ctx.ip });
    warnOfRepair(ctx, ctx.state.confirmed.repaired);
    ctx.type = 'text/plain';
    ctx.body = 'success';
  };

  /**
   * GET /payment/:order_id/: the signed Alipay pay URL, in the shape Meiduo's front end expects: wap pay
   * for a phone, page pay otherwise, or what `?channel=wap|page` asks for.
   */
  payUrl = async (ctx: RouterContext<AppState>): Promise<void> => {
    ctx.vary('User-Agent');
    const channel = payChannelFor(ctx.get('User-Agent') || undefined, channelParam(ctx.query.channel));
    if (typeof channel !== 'string') {
      ctx.status = 400;
      ctx.body = {
        code: '400',
        errmsg: `channel 只能是 wap（手机网站支付）或 page（电脑网站支付），收到 ${JSON.stringify(channel.invalid)}`,
      };
      return;
    }
    const { payUrl } = await this.startPayment.execute({ orderId: ctx.params.order_id!, channel });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { code: '0', errmsg: 'OK', alipay_url: payUrl };
  };
}

function warnOfRepair(ctx: AppContext, repaired: SignatureDiagnosis | undefined): void {
  if (repaired)
    ctx.state.log.warn(
      { diagnosis: repaired },
      'accepted a callback only after repairing it: fix what damages them (docs/operating.md, When Alipay payments are refused)',
    );
}

/** ?channel= as given; repeated, its values joined, so that it is refused as a whole rather than guessed at. */
function channelParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
