import { inject, injectable } from 'inversify';
import type { Actor } from './actor.ts';
import { AskAlipayAboutOrder, type OrderQueried } from './ask-alipay-about-order.ts';
import type { AdminAudit } from './ports/admin-audit.ts';
import type { Clock } from './ports/clock.ts';
import { TOKENS } from './tokens.ts';

/** What Alipay's answer meant, in the words the back office and its audit trail use. */
export const QUERY_OUTCOME_WORDS: Record<OrderQueried['outcome'], string> = {
  paid: '已支付',
  waiting: '等待买家付款（WAIT_BUYER_PAY）',
  not_started: '尚无交易：顾客还没有打开收银台（ACQ.TRADE_NOT_EXIST）',
  closed: '交易已关闭，未付款（TRADE_CLOSED）',
  failed: '没有可信的应答',
};
/** What was done with a paid answer. */
export const PAYMENT_RESULT_WORDS: Record<NonNullable<OrderQueried['payment']>['result'], string> = {
  recorded: '已记录支付（来源：主动查询）',
  duplicate: '此前已记录，未重复记录',
  needs_review: '已记录，留待人工核对',
};

/** 查单 in the back office: asks Alipay about one order now, as the schedule would, and audits who asked. */
@injectable()
export class AskAlipayAsOperator {
  constructor(
    @inject(AskAlipayAboutOrder) private readonly askAlipay: AskAlipayAboutOrder,
    @inject(TOKENS.AdminAudit) private readonly audit: AdminAudit,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @throws StoreUnavailable */
  async execute(orderId: string, operator: Actor): Promise<OrderQueried> {
    const at = this.clock.now();
    const queried = await this.askAlipay.execute(orderId);
    await this.audit.record({ at, ...operator, action: 'query_order', target: orderId, detail: auditDetail(queried) });
    return queried;
  }
}

function auditDetail({ outcome, payment, summary }: OrderQueried): string {
  if (payment) return `${QUERY_OUTCOME_WORDS[outcome]}：${PAYMENT_RESULT_WORDS[payment.result]}，交易号 ${payment.tradeNo}`;
  return outcome === 'failed' ? `${QUERY_OUTCOME_WORDS.failed}：${summary}` : QUERY_OUTCOME_WORDS[outcome];
}
