import { inject, injectable } from 'inversify';
import forge from 'node-forge';
import type { Clock } from '../../application/ports/clock.ts';
import type { PagePayRequest, PaymentGateway } from '../../application/ports/payment-gateway.ts';
import { TOKENS } from '../../application/tokens.ts';
import { INFRA } from '../tokens.ts';
import { beijingTimestamp } from './beijing-time.ts';

export interface PagePaySettings {
  readonly appId: string;
  /** Alipay's gateway, or the local sandbox's. */
  readonly gatewayUrl: string;
  readonly returnUrl: string;
  readonly notifyUrl: string;
}

/** alipay.trade.page.pay, signed RSA2 with our app's private key (ALIPAY.md "Signing our own request"). */
@injectable()
export class AlipayPagePayGateway implements PaymentGateway {
  constructor(
    @inject(INFRA.AppPrivateKey) private readonly privateKey: forge.pki.rsa.PrivateKey,
    @inject(INFRA.PagePaySettings) private readonly settings: PagePaySettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  pagePayUrl({ orderId, amount, subject }: PagePayRequest): string {
    const params: Record<string, string> = {
      app_id: this.settings.appId,
      method: 'alipay.trade.page.pay',
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: beijingTimestamp(this.clock.now()),
      version: '1.0',
      return_url: this.settings.returnUrl,
      notify_url: this.settings.notifyUrl,
      biz_content: JSON.stringify({
        out_trade_no: orderId,
        total_amount: amount.toString(),
        subject,
        product_code: 'FAST_INSTANT_TRADE_PAY',
      }),
    };
    // A request's sign content keeps sign_type; only Alipay's callbacks leave it out.
    const content = Object.keys(params).sort().map((key) => `${key}=${params[key]}`).join('&');
    const md = forge.md.sha256.create();
    md.update(content, 'utf8');
    const sign = forge.util.encode64(this.privateKey.sign(md));
    return `${this.settings.gatewayUrl}?${new URLSearchParams({ ...params, sign })}`;
  }
}
