import { inject, injectable } from 'inversify';
import { alipayInstant } from '../domain/beijing-time.ts';
import { Money } from '../domain/money.ts';
import { RefundNotifyEarly } from './errors.ts';
import type { AlipayMessage } from './ports/alipay-message.ts';
import type { Clock } from './ports/clock.ts';
import type { RefundStore } from './ports/refund-store.ts';
import { TOKENS } from './tokens.ts';

/** What a refund notify did. */
export type RefundNotified = 'settled' | 'already_settled' | 'external' | 'nothing_new';

/**
 * Alipay's refund notify (TRADE_SUCCESS after a partial refund, TRADE_CLOSED after a full one, with
 * refund_fee, gmt_refund and out_biz_no), already verified as Alipay's notify for our app. It settles our
 * refund of that out_biz_no, or keeps one made in Alipay's portal as external. It never records a payment.
 */
@injectable()
export class SettleRefundNotify {
  constructor(
    @inject(TOKENS.RefundStore) private readonly refunds: RefundStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @throws RefundNotifyEarly (Alipay will send it again) | StoreUnavailable */
  async execute({ fields, report }: AlipayMessage): Promise<RefundNotified> {
    const outBizNo = fields.get('out_biz_no') ?? '';
    const gmtRefund = fields.get('gmt_refund') ?? '';
    const tradeNo = report.tradeNo ?? '';
    const ours = outBizNo === '' ? null : await this.refunds.find(outBizNo);
    if (ours !== null && ours.tradeNo === tradeNo) {
      if (ours.status === 'refunded') return 'already_settled';
      const at = this.clock.now();
      await this.refunds.settleRefunded(ours.outRequestNo, at, alipayInstant(gmtRefund) ?? at);
      return 'settled';
    }
    const cumulative = moneyOr(fields.get('refund_fee'));
    if (tradeNo === '' || cumulative === null) return 'nothing_new';
    const learntAt = this.clock.now();
    const recorded = await this.refunds.recordExternal({
      outRequestNo: outBizNo === '' ? `EXT${fields.get('notify_id') ?? learntAt.getTime()}`.slice(0, 64) : outBizNo,
      tradeNo,
      cumulative,
      refundedAt: alipayInstant(gmtRefund) ?? learntAt,
      learntAt,
    });
    // Alipay sends the notify again later (4 min, 10 min, …): by then our refund is settled, and what this one adds is known.
    if (recorded.outcome === 'ours_pending') throw new RefundNotifyEarly(tradeNo);
    return recorded.outcome === 'recorded' ? 'external' : 'nothing_new';
  }
}

function moneyOr(yuan: string | undefined): Money | null {
  try {
    return Money.parse(yuan ?? '');
  } catch {
    return null;
  }
}
