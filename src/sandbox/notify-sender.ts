import type { Logger } from 'pino';

// Alipay retries after 4m, 10m, 10m, 1h, 2h, 6h and 15h; the sandbox counts each minute as a second.
export const RETRY_SECONDS = [4, 10, 10, 60, 120, 360, 900];

export interface Delivery {
  readonly tradeNo: string;
  /** A refund notify's out_biz_no (the refund's out_request_no); '' for a payment's. */
  readonly outBizNo: string;
  readonly notifyUrl: string;
  attempts: number;
  delivered: boolean;
  lastReply: string;
}

/** Posts async notifies the way Alipay does, until the merchant answers exactly `success`. */
export class NotifySender {
  readonly deliveries: Delivery[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly logger: Logger,
    private readonly secondsPerMinute = 1,
  ) {}

  send(notifyUrl: string, params: Record<string, string>): Delivery {
    const delivery: Delivery = {
      tradeNo: params.trade_no ?? '',
      outBizNo: params.out_biz_no ?? '',
      notifyUrl,
      attempts: 0,
      delivered: false,
      lastReply: '',
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > 200) this.deliveries.shift();
    this.schedule(delivery, new URLSearchParams(params).toString(), 0);
    return delivery;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(delivery: Delivery, body: string, delaySeconds: number): void {
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      await this.attempt(delivery, body);
      const retry = RETRY_SECONDS[delivery.attempts - 1];
      if (!delivery.delivered && retry !== undefined) this.schedule(delivery, body, retry * this.secondsPerMinute);
    }, delaySeconds * 1000);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery, body: string): Promise<void> {
    delivery.attempts += 1;
    try {
      const response = await fetch(delivery.notifyUrl, {
        method: 'POST',
        // The malformed Content-Type real Alipay sends.
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; text/html; charset=UTF-8' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      delivery.lastReply = `${response.status} ${(await response.text()).slice(0, 40)}`;
      delivery.delivered = delivery.lastReply === '200 success';
    } catch (error) {
      delivery.lastReply = (error as Error).message;
    }
    this.logger[delivery.delivered ? 'info' : 'warn'](
      { sandbox: true, tradeNo: delivery.tradeNo, attempt: delivery.attempts, reply: delivery.lastReply },
      delivery.delivered ? 'sandbox notify delivered' : 'sandbox notify not acknowledged; will retry',
    );
  }
}
