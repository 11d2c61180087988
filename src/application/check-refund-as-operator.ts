import { inject, injectable } from 'inversify';
import type { RefundStatus } from '../domain/refund.ts';
import type { Actor } from './actor.ts';
import type { AdminAudit } from './ports/admin-audit.ts';
import type { Clock } from './ports/clock.ts';
import type { RefundRecord, RefundStore } from './ports/refund-store.ts';
import { RefundAtAlipay } from './refund-at-alipay.ts';
import { TOKENS } from './tokens.ts';

/** A refund's status in the words of the back office and its audit trail. */
export const REFUND_STATUS_WORDS: Record<RefundStatus, string> = {
  pending: '退款处理中',
  refunded: '退款成功',
  refused: '退款失败',
};

// Alipay advises asking about a refund no sooner than about 10 s after asking for it.
const EARLIEST_CHECK_MS = 10_000;

/**
 * What came of an operator's check: `asked` false when Alipay was not asked, because the refund is
 * already settled or was asked for less than 10 s ago.
 */
export interface RefundChecked {
  readonly refund: RefundRecord;
  readonly asked: boolean;
  /** One line, English: what Alipay answered, or why it was not asked. */
  readonly note: string;
}

/**
 * 查询退款 in the back office: settles a pending refund now, as the schedule would (the refund query,
 * and under the same out_request_no again when Alipay has none), and audits who asked. It is how an
 * operator finishes a refund the schedule has stopped asking about.
 */
@injectable()
export class CheckRefundAsOperator {
  constructor(
    @inject(TOKENS.RefundStore) private readonly refunds: RefundStore,
    @inject(RefundAtAlipay) private readonly alipay: RefundAtAlipay,
    @inject(TOKENS.AdminAudit) private readonly audit: AdminAudit,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** null when there is no such refund. @throws StoreUnavailable */
  async execute(outRequestNo: string, operator: Actor): Promise<RefundChecked | null> {
    const refund = await this.refunds.find(outRequestNo);
    if (refund === null) return null;
    if (refund.status !== 'pending') return { refund, asked: false, note: `already settled: ${refund.status}` };
    const at = this.clock.now();
    if (at.getTime() - refund.requestedAt.getTime() < EARLIEST_CHECK_MS)
      return { refund, asked: false, note: 'asked for less than 10 s ago' };
    const tried = await this.alipay.check(refund);
    const detail = `订单 ${refund.orderId}：${REFUND_STATUS_WORDS[tried.refund.status]}（${tried.note}）`;
    await this.audit.record({ at, ...operator, action: 'check_refund', target: outRequestNo, detail });
    return { refund: tried.refund, asked: true, note: tried.note };
  }
}
