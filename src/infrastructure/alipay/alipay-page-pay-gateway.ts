import { inject, injectable } from 'inversify';
import type { Clock } from '../../application/ports/clock.ts';
import type { PagePayRequest, PaymentGateway } from '../../application/ports/payment-gateway.ts';
import { TOKENS } from '../../application/tokens.ts';
import { INFRA } from '../tokens.ts';
import { signedRequest } from './openapi-request.ts';
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
    const params = signedRequest(this.signer, {
      appId: this.settings.appId,
      method: 'alipay.trade.page.pay',
      at: this.clock.now(),
      extra: { return_url: this.settings.returnUrl, notify_url: this.settings.notifyUrl },
      bizContent: { out_trade_no: orderId, total_amount: amount.toString(), subject, product_code: 'FAST_INSTANT_TRADE_PAY' },
    });
    return `${this.settings.gatewayUrl}?${new URLSearchParams(params)}`;
  }
}
