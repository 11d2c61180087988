import { REFUND_STATUS_WORDS, type RefundChecked } from '../../../application/check-refund-as-operator.ts';
import type { RefundRecord, RefundRefusal } from '../../../application/ports/refund-store.ts';
import type { RefundOutcome } from '../../../application/refund-payment.ts';
import type { PaymentRefunds } from '../../../application/show-order-timeline.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import type { Money } from '../../../domain/money.ts';
import type { ActionNotice } from './action-notices.ts';
import { fenText } from './amount.ts';

/** What the common sub_codes of alipay.trade.refund's refusals mean, for staff. */
const REFUSAL_MEANINGS: Readonly<Record<string, string>> = {
  'ACQ.REASON_TRADE_REFUND_FEE_ERR': '退款金额超过可退金额',
  'ACQ.TRADE_NOT_ALLOW_REFUND': '交易状态不允许退款',
  'ACQ.TRADE_NOT_EXIST': '交易不存在',
  'ACQ.DISCORDANT_REPEAT_REQUEST': '同一退款请求号的金额不一致',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': '退款金额与交易金额不一致（该交易只能全额退款）',
  'ACQ.SELLER_BALANCE_NOT_ENOUGH': '商户余额不足',
  'ACQ.TRADE_HAS_FINISHED': '交易已完结',
};

/** Alipay's refusal in Chinese, its sub_code beside it; for a sub_code not listed, Alipay's own sub_msg. */
export function refusalText({ subCode, message }: RefundRefusal): string {
  const meaning = REFUSAL_MEANINGS[subCode] ?? (message || '支付宝拒绝了退款');
  return `${meaning}（${subCode || '无错误码'}）`;
}

/** A refund as the payments' amounts are printed: −¥12.30. */
export const refundAmountText = (amount: Money): string => fenText(-amount.fen);

/** Who asked: the operator's account (cli:<user> from the command line), or Alipay's portal for an external one. */
export const requesterText = (refund: RefundRecord): string => (refund.origin === 'external' ? '支付宝后台' : refund.requestedBy);

/** A refund's entry of the order's timeline: plain strings only. */
export function refundTimelineRow(time: string, refund: RefundRecord) {
  const facts = [
    { label: '退款金额', value: refundAmountText(refund.amount) },
    { label: '支付宝交易号', value: refund.tradeNo },
    { label: '退款请求号', value: refund.outRequestNo },
    { label: '申请人', value: requesterText(refund) },
    { label: '退款原因', value: refund.reason },
  ];
  if (refund.status === 'refused' && refund.refusal) facts.push({ label: '失败原因', value: refusalText(refund.refusal) });
  if (refund.status === 'pending')
    facts.push({ label: '说明', value: '等待支付宝确认，系统会自动向支付宝查询结果；也可点“向支付宝查询退款”立即查询' });
  if (refund.refundedAt) facts.push({ label: '退款时间', value: beijingTimestamp(refund.refundedAt) });
  else if (refund.settledAt) facts.push({ label: '处理时间', value: beijingTimestamp(refund.settledAt) });
  return {
    time,
    kind: `timeline-refund timeline-refund-${refund.status}`,
    title: REFUND_STATUS_WORDS[refund.status],
    facts: facts.filter((fact) => fact.value !== ''),
    textLabel: '',
    text: '',
    /** 查询退款, while the refund is pending. */
    checkAction: refund.status === 'pending' ? `/admin/refunds/${encodeURIComponent(refund.outRequestNo)}/check` : '',
  };
}

/** A payment's 已退款 and 可退, once anything of it was asked back. */
export function paymentRefundFacts(paid: Money | null, refunds: PaymentRefunds | null) {
  if (paid === null || refunds === null || (refunds.refunded.fen === 0 && refunds.remaining.fen === paid.fen)) return [];
  return [
    { label: '已退款', value: fenText(refunds.refunded.fen) },
    { label: '可退', value: fenText(refunds.remaining.fen) },
  ];
}

/** What the refund came to, above the order's timeline. */
export function refundNotice(outcome: RefundOutcome): ActionNotice {
  const facts = [
    { label: '退款金额', value: refundAmountText(outcome.amount) },
    { label: '支付宝交易号', value: outcome.tradeNo },
    { label: '退款请求号', value: outcome.outRequestNo },
    { label: '已退款合计', value: fenText(outcome.refundedTotal.fen) },
    { label: '剩余可退', value: fenText(outcome.remaining.fen) },
    { label: '退款原因', value: outcome.reason },
  ];
  if (outcome.status === 'refunded') {
    return { tone: 'done', title: '退款成功', lines: ['支付宝已确认退款，款项将原路退回顾客的支付宝账户。'], facts };
  }
  if (outcome.status === 'pending') {
    return {
      tone: 'pending',
      title: '退款处理中',
      lines: [
        '支付宝暂未确认这笔退款（未应答、超时或尚在处理）。系统会用同一退款请求号自动向支付宝查询，不会重复退款。',
        '请勿在支付宝后台重复退款；结果会显示在下方时间线中。',
      ],
      facts,
    };
  }
  return {
    tone: 'failed',
    title: '退款失败',
    lines: [
      `支付宝拒绝了这笔退款：${outcome.refusal ? refusalText(outcome.refusal) : '未说明原因'}。`,
      '没有款项退出，这笔金额仍可退款。请根据原因处理后重新发起。',
    ],
    facts,
  };
}

/** What an operator's 查询退款 found, above the order's timeline. */
export function refundCheckNotice({ refund, asked, note }: RefundChecked): ActionNotice {
  const facts = [
    { label: '退款金额', value: refundAmountText(refund.amount) },
    { label: '退款请求号', value: refund.outRequestNo },
    { label: '支付宝交易号', value: refund.tradeNo },
  ];
  const title = `向支付宝查询退款：${REFUND_STATUS_WORDS[refund.status]}`;
  if (!asked && refund.status === 'pending') {
    return { tone: 'pending', title: '尚未查询', lines: ['支付宝建议在发起退款 10 秒后再查询，请稍后再试。'], facts };
  }
  if (!asked) return { tone: 'attention', title, lines: ['这笔退款此前已有结果，未再向支付宝查询。'], facts };
  if (refund.status === 'refunded') return { tone: 'done', title, lines: ['支付宝已确认退款，款项将原路退回顾客的支付宝账户。'], facts };
  if (refund.status === 'refused') {
    return {
      tone: 'failed',
      title,
      lines: [`支付宝拒绝了这笔退款：${refund.refusal ? refusalText(refund.refusal) : '未说明原因'}。`],
      facts,
    };
  }
  return {
    tone: 'pending',
    title,
    lines: [
      '支付宝仍未确认这笔退款。系统用同一退款请求号查询或重新提交，不会重复退款；请稍后再查询。',
      '若长时间没有结果，请在支付宝商家后台按退款请求号核实。',
    ],
    facts: [...facts, { label: '技术详情', value: note }],
  };
}
