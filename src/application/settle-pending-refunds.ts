import { inject, injectable } from 'inversify';
import { QuerySchedule } from '../domain/query-schedule.ts';
import { REFUND_CHECK_OFFSETS_MS } from '../domain/refund.ts';
import type { Clock } from './ports/clock.ts';
import type { RefundStore } from './ports/refund-store.ts';
import { RefundAtAlipay, type RefundTried } from './refund-at-alipay.ts';
import { TOKENS } from './tokens.ts';

const SCHEDULE = new QuerySchedule(REFUND_CHECK_OFFSETS_MS);

/**
 * Settles refunds whose outcome is unknown (an answer lost, a process killed between storing and
 * asking) by alipay.trade.fastpay.refund.query, on a schedule that starts 15 s after the request. Each
 * due refund is claimed by one process only.
 */
@injectable()
export class SettlePendingRefunds {
  constructor(
    @inject(TOKENS.RefundStore) private readonly refunds: RefundStore,
    @inject(RefundAtAlipay) private readonly alipay: RefundAtAlipay,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @throws StoreUnavailable */
  async execute(limit: number): Promise<RefundTried[]> {
    const due = await this.refunds.claimDue(this.clock.now(), limit, SCHEDULE);
    const tried: RefundTried[] = [];
    for (const refund of due) tried.push(await this.alipay.check(refund));
    return tried;
  }
}
