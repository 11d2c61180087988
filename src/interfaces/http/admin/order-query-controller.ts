import { inject, injectable } from 'inversify';
import type { OrderQueried } from '../../../application/ask-alipay-about-order.ts';
import { AskAlipayAsOperator, PAYMENT_RESULT_WORDS, QUERY_OUTCOME_WORDS } from '../../../application/ask-alipay-as-operator.ts';
import { InvalidQuery } from '../../../application/errors.ts';
import { isOrderId } from '../../../application/show-order-timeline.ts';
import type { AppContext } from '../app-state.ts';
import { type ActionNotice, ActionNotices, withNotice } from './action-notices.ts';
import { operatorOf } from './operator-of.ts';

/** 查单: asks Alipay about an order from its timeline, and shows the answer there. */
@injectable()
export class OrderQueryController {
  constructor(
    @inject(AskAlipayAsOperator) private readonly askAlipay: AskAlipayAsOperator,
    @inject(ActionNotices) private readonly notices: ActionNotices,
  ) {}

  /** POST /admin/orders/:order_id/query */
  query = async (ctx: AppContext): Promise<void> => {
    const orderId = ctx.params.order_id ?? '';
    if (!isOrderId(orderId)) throw new InvalidQuery('order_id', 'the order id must be 1 to 64 of [0-9A-Za-z_-]');
    const operator = operatorOf(ctx);
    const queried = await this.askAlipay.execute(orderId, operator);
    ctx.state.log.info({ orderId, outcome: queried.outcome }, 'order queried by an operator');
    const page = `/admin/orders/${encodeURIComponent(orderId)}`;
    ctx.status = 303;
    ctx.redirect(withNotice(page, this.notices.put(page, operator.actor, queryNotice(queried))));
  };
}

/** What an answer that is no payment means for staff: nothing to do here, and whether the schedule asks again. */
const UNPAID_MEANINGS: Partial<Record<OrderQueried['outcome'], readonly string[]>> = {
  waiting: ['顾客已打开收银台，尚未付款；本地无需处理，定时查询会继续询问。'],
  not_started: ['支付宝还没有这笔交易；本地无需处理。顾客付款后会收到通知，定时查询也会继续询问。'],
  closed: ['交易已关闭，没有付款；在顾客重新发起支付之前，不会再自动查询这笔订单。'],
};

/** Alipay's answer, field by field, and what was done with it; for no answer, why and what to do. */
export function queryNotice(queried: OrderQueried): ActionNotice {
  const answer = [...queried.answer].map(([label, value]) => ({ label, value }));
  const outcome = QUERY_OUTCOME_WORDS[queried.outcome];
  if (queried.outcome === 'failed') {
    return {
      tone: 'failed',
      title: `向支付宝查单：${outcome}`,
      lines: [
        '支付宝没有给出可以采信的应答（无法连接、超时、签名不符或应答有误），本地没有做任何修改。',
        '请稍后再点“查单”重试；若一直失败，请检查服务器到支付宝网关的网络、ALIPAY_GATEWAY 与密钥配置，并查看服务日志。',
      ],
      facts: [{ label: '原因（技术详情）', value: queried.summary.replace(/^no answer to rely on: /, '') }, ...answer],
    };
  }
  const lines = [...(UNPAID_MEANINGS[queried.outcome] ?? [])];
  if (queried.payment) lines.push(`处理结果：${PAYMENT_RESULT_WORDS[queried.payment.result]}，支付宝交易号 ${queried.payment.tradeNo}。`);
  if (queried.payment?.result === 'needs_review') lines.push('这笔支付与订单不符（如订单已取消或金额不同），请在下方时间线中核对并处理。');
  return {
    tone: queried.payment?.result === 'needs_review' ? 'attention' : 'done',
    title: `向支付宝查单：${outcome}`,
    lines,
    facts: answer,
  };
}
