import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import { ConfirmAlipayPayment } from '../../application/confirm-alipay-payment.ts';
import type { AlipayCallbackParser } from '../../application/ports/alipay-callback-parser.ts';
import { TOKENS } from '../../application/tokens.ts';

const encoder = new TextEncoder();

@injectable()
export class PaymentController {
  constructor(
    @inject(TOKENS.AlipayCallbackParser) private readonly parser: AlipayCallbackParser,
    @inject(ConfirmAlipayPayment) private readonly confirmPayment: ConfirmAlipayPayment,
  ) {}

  /** GET /payment/status/: the shopper's browser, redirected back by Alipay. */
  paymentReturn = async (ctx: Context): Promise<void> => {
    const callback = this.parser.parse(encoder.encode(ctx.querystring));
    const result = await this.confirmPayment.execute({ callback, source: 'return' });
    ctx.set('Cache-Control', 'no-store');
    await ctx.render('pay_success', { tradeId: result.tradeNo });
  };
}
