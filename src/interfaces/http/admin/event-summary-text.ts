import type { PaymentEventKind } from '../../../application/ports/payment-events.ts';
import { yuanText } from './amount.ts';
import { type LineRule, lineInChinese } from './log-line-text.ts';
import { ERROR_MESSAGE_RULES, reviewReasonLabel } from './rejection-detail-text.ts';

// The events' summaries are stored as the English lines the use cases log (start-alipay-payment.ts,
// receive-alipay-callback.ts, ask-alipay-about-order.ts, trade-summary.ts): they are read here into the
// staff's words at display, so that every row already stored reads in Chinese too.

const TRADE_STATUS_LABELS: Readonly<Record<string, string>> = {
  WAIT_BUYER_PAY: '等待买家付款',
  TRADE_CLOSED: '交易关闭（未付款或已全额退款）',
  TRADE_SUCCESS: '支付成功',
  TRADE_FINISHED: '交易完结（已付款）',
};
const SUB_CODE_LABELS: Readonly<Record<string, string>> = {
  'ACQ.TRADE_NOT_EXIST': '支付宝查无此交易（买家尚未付款）',
  'ACQ.SYSTEM_ERROR': '支付宝系统繁忙',
};

/** trade_summary.ts's `key=value` facts, each in Chinese; a key it does not know stays as written. */
function factText(key: string, value: string): string {
  if (key === 'trade_status') return TRADE_STATUS_LABELS[value] ?? `交易状态 ${value}`;
  if (key === 'sub_code') return SUB_CODE_LABELS[value] ?? `支付宝错误码 ${value}`;
  if (key === 'refund_fee') return `退款 ${yuanText(value)}`;
  if (key === 'trade_no') return `交易号 ${value}`;
  if (key === 'total_amount') return `金额 ${yuanText(value)}`;
  return `${key}=${value}`;
}

const FACTS = /^(?:no trade_status|[a-z_]+=\S*(?: [a-z_]+=\S*)*)$/;

/** What Alipay's message said; null when `text` is not a facts line. */
export function tradeFactsText(text: string): string | null {
  if (!FACTS.test(text)) return null;
  if (text === 'no trade_status') return '未说明交易状态';
  return text
    .split(' ')
    .map((fact) => {
      const at = fact.indexOf('=');
      return factText(fact.slice(0, at), fact.slice(at + 1));
    })
    .join('，');
}

const DONE: readonly LineRule[] = [
  [/^payment recorded$/, () => '已记录支付'],
  [/^already recorded$/, () => '此前已记录，未重复记录'],
  [/^no new payment$/, () => '不是新的支付，未做处理'],
  [/^refund settled$/, () => '退款通知：退款已确认成功'],
  [/^refund already settled$/, () => '退款通知：该退款此前已确认'],
  [/^refund made outside the service recorded$/, () => '退款通知：已记录在支付宝后台发起的退款'],
  [/^no new refund$/, () => '退款通知：没有新的退款'],
  [/^payment kept for review$/, () => '已记录支付，留待人工核对'],
  [/^kept for review: .* needs review: ([A-Z_]+)$/, (m) => `已记录支付，留待人工核对：${reviewReasonLabel(m[1]!)}`],
  [/^kept for review: .* is recorded for order (\S+)$/, (m) => `已记录支付，留待人工核对：该交易号已记在订单 ${m[1]} 下`],
];

const NO_ANSWER: readonly LineRule[] = [
  [/^the answer is about order (\S+)$/, (m) => `应答说的是另一个订单 ${m[1]}`],
  [/^Alipay answered without a signature: .*$/, () => '支付宝的应答没有签名（可能是参数或密钥配置错误）'],
  [/^Alipay answered (.*)$/, (m) => `支付宝的应答无法识别：${tradeFactsText(m[1]!) ?? m[1]}`],
  [/^.* did not complete within .*$/, () => '请求支付宝超时'],
  [/^cannot reach .*$/, () => '无法连接支付宝'],
  [/^.* answered HTTP (\d+) .*$/, (m) => `支付宝返回 HTTP ${m[1]} 错误`],
  [/^the answer is not (?:JSON|a JSON object)$/, () => '支付宝的应答格式无法识别'],
];

/** One event's summary as the timeline shows it. */
export function eventSummaryText(kind: PaymentEventKind, summary: string): string {
  const payUrl = /^pay URL issued for ¥(\S+)$/.exec(summary);
  if (kind === 'pay_url' && payUrl) return `支付金额 ${yuanText(payUrl[1]!)}`;
  const noAnswer = /^no answer to rely on: (.*)$/s.exec(summary);
  if (noAnswer) return `未得到可信的应答，稍后会再查询：${lineInChinese(noAnswer[1]!, [...NO_ANSWER, ...ERROR_MESSAGE_RULES], '原因')}`;
  const facts = tradeFactsText(summary);
  if (facts !== null) return facts;
  const split = summary.indexOf(': ');
  const head = split === -1 ? null : tradeFactsText(summary.slice(0, split));
  if (head === null) return summary;
  return `${head}：${lineInChinese(summary.slice(split + 2), DONE, '处理结果')}`;
}
