import { inject, injectable } from 'inversify';
import type { Clock } from '../../application/ports/clock.ts';
import type { PagePayRequest, PaymentGateway } from '../../application/ports/payment-gateway.ts';
import { TOKENS } from '../../application/tokens.ts';
import { beijingTimestamp } from '../../domain/beijing-time.ts';
import { INFRA } from '../tokens.ts';
import type { RequestSigner } from './request-signer.ts';

export interface PagePaySettings {
  readonly appId: string;
  /** Alipay's gateway, or the local sandbox's. */
  readonly gatewayUrl: string;
  readonly returnUrl: string;
  readonly notifyUrl: string;
}

// A shopper's clicks and reloads reuse one signed URL; its timestamp stays well inside what Alipay accepts.
const REUSE_MS = 60_000;
const MAX_REMEMBERED = 10_000;

/** alipay.trade.page.pay, signed RSA2 with our app's private key (docs/alipay.md, "Signing our own request: page pay"). */
@injectable()
export class AlipayPagePayGateway implements PaymentGateway {
  private readonly recent = new Map<string, { url: string; until: number }>();

  constructor(
    @inject(INFRA.RequestSigner) private readonly signer: RequestSigner,
    @inject(INFRA.PagePaySettings) private readonly settings: PagePaySettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  pagePayUrl(request: PagePayRequest): string {
    const key = `${request.orderId}\n${request.amount.toString()}\n${request.subject}`;
    const now = this.clock.now().getTime();
    const known = this.recent.get(key);
    if (known && known.until > now) return known.url;
    const url = this.sign(request);
    this.recent.delete(key);
    if (this.recent.size >= MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, { url, until: now + REUSE_MS });
    return url;
  }

  private sign({ orderId, amount, subject }: PagePayRequest): string {
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
    const content = Object.keys(params)
      .sort()
      .map((key) => `${key}=${params[key]}`)
      .join('&');
    return `${this.settings.gatewayUrl}?${new URLSearchParams({ ...params, sign: this.signer.sign(content) })}`;
  }
}
