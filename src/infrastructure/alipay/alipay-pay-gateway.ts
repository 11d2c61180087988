import { inject, injectable } from 'inversify';
import type { Clock } from '../../application/ports/clock.ts';
import type { PayChannel, PaymentGateway, PayRequest } from '../../application/ports/payment-gateway.ts';
import { TOKENS } from '../../application/tokens.ts';
import { beijingTimestamp } from '../../domain/beijing-time.ts';
import { INFRA } from '../tokens.ts';
import { signedRequest } from './openapi-request.ts';
import type { RequestSigner } from './request-signer.ts';

export interface PaySettings {
  readonly appId: string;
  /** Alipay's gateway, or the local sandbox's. */
  readonly gatewayUrl: string;
  readonly returnUrl: string;
  readonly notifyUrl: string;
  /** Where wap pay's 返回 leads: the shop's order page; null when there is no shop to go back to. */
  readonly quitUrl: string | null;
  /** ALIPAY_PAY_TIMEOUT: how long a pay URL can still pay; Alipay closes the trade after it. */
  readonly payTimeoutMs: number;
}

const CHANNELS: Record<PayChannel, { method: string; productCode: string }> = {
  page: { method: 'alipay.trade.page.pay', productCode: 'FAST_INSTANT_TRADE_PAY' },
  wap: { method: 'alipay.trade.wap.pay', productCode: 'QUICK_WAP_WAY' },
};

// A shopper's clicks and reloads reuse one signed URL; its timestamp stays well inside what Alipay accepts.
const REUSE_MS = 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * alipay.trade.page.pay or alipay.trade.wap.pay, signed with our app's private key (docs/alipay.md, "Signing
 * our own request: page pay and wap pay"), with a time_expire ALIPAY_PAY_TIMEOUT away.
 */
@injectable()
export class AlipayPayGateway implements PaymentGateway {
  private readonly recent = new Map<string, { url: string; until: number }>();

  constructor(
    @inject(INFRA.RequestSigner) private readonly signer: RequestSigner,
    @inject(INFRA.PaySettings) private readonly settings: PaySettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  payUrl(request: PayRequest): string {
    const key = `${request.channel}\n${request.orderId}\n${request.amount.toString()}\n${request.subject}`;
    const now = this.clock.now().getTime();
    const known = this.recent.get(key);
    if (known && known.until > now) return known.url;
    const url = this.sign(request);
    this.recent.delete(key);
    if (this.recent.size >= MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, { url, until: now + REUSE_MS });
    return url;
  }

  private sign({ orderId, amount, subject, channel }: PayRequest): string {
    const { method, productCode } = CHANNELS[channel];
    const at = this.clock.now();
    const { returnUrl, notifyUrl, quitUrl, payTimeoutMs } = this.settings;
    const params = signedRequest(this.signer, {
      appId: this.settings.appId,
      method,
      at,
      extra: { return_url: returnUrl, notify_url: notifyUrl },
      bizContent: {
        out_trade_no: orderId,
        total_amount: amount.toString(),
        subject,
        product_code: productCode,
        time_expire: beijingTimestamp(new Date(at.getTime() + payTimeoutMs)),
        ...(channel === 'wap' && quitUrl !== null ? { quit_url: quitUrl } : {}),
      },
    });
    return `${this.settings.gatewayUrl}?${new URLSearchParams(params)}`;
  }
}
