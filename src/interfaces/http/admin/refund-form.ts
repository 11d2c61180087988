import type { Refundable } from '../../../application/refund-payment.ts';
import { InvalidMoney } from '../../../domain/errors.ts';
import { Money } from '../../../domain/money.ts';
import { OrderStatus } from '../../../domain/order-status.ts';
import { orderAfterRefund, REFUND_REASON_MAX, RefundNotAllowed, refundAmount, refundReason } from '../../../domain/refund.ts';
import { ORDER_STATUS_LABELS } from './admin-labels.ts';
import { fenText } from './amount.ts';
import { refundAmountText } from './refund-labels.ts';

/** What the operator typed, kept as typed so that the form shows it again beside what is wrong with it. */
export interface TypedRefund {
  readonly tradeNo: string;
  readonly amount: string;
  readonly reason: string;
}

/** The form's complaints, in Chinese, each beside its field; `payment` above the form. */
export interface RefundFormErrors {
  amount?: string;
  reason?: string;
  payment?: string;
}

/** The payment being refunded, as RefundPayment.remaining found it. */
export type { Refundable };

/** A refund the form's input allows: what the confirmation shows, and what it posts to carry it out. */
export interface RefundPlan {
  readonly amount: Money;
  readonly reason: string;
}

/** Weighs the typed amount and reason against what remains; the plan, or the complaints. */
export function checkTypedRefund(typed: TypedRefund, refundable: Refundable): { plan: RefundPlan } | { errors: RefundFormErrors } {
  const errors: RefundFormErrors = {};
  let reason = '';
  try {
    reason = refundReason(typed.reason);
  } catch (error) {
    if (!(error instanceof RefundNotAllowed)) throw error;
    errors.reason = reasonError(typed.reason);
  }
  let amount: Money | null = null;
  try {
    amount = refundAmount(typedAmount(typed.amount), refundable.remaining);
  } catch (error) {
    if (error instanceof InvalidMoney) errors.amount = '请填写退款金额，以元为单位，最多两位小数，例如 12.34。';
    else if (error instanceof RefundNotAllowed) Object.assign(errors, refusalErrors(error));
    else throw error;
  }
  return amount === null || errors.reason !== undefined ? { errors } : { plan: { amount, reason } };
}

/** @throws InvalidMoney: an empty field is no amount, though the form starts with what remains in it */
function typedAmount(text: string): Money {
  return Money.parse(text.trim().replace(/^¥/, ''));
}

function reasonError(typed: string): string {
  if (typed.trim() === '') return '请填写退款原因：它会随退款发给支付宝，并记入时间线和操作记录。';
  if ([...typed.trim()].length > REFUND_REASON_MAX)
    return `退款原因最多 ${REFUND_REASON_MAX} 个字，现在是 ${[...typed.trim()].length} 个。`;
  return '退款原因含有不允许的字符，请重新填写。';
}

/** RefundPayment's refusals, where the form shows them. */
export function refusalErrors(refusal: RefundNotAllowed): RefundFormErrors {
  const left = refusal.remaining === null ? '' : fenText(refusal.remaining.fen);
  switch (refusal.why) {
    case 'NO_SUCH_PAYMENT':
      return { payment: '这笔订单没有这笔可以退款的支付宝支付，请回到订单时间线，从要退款的那笔支付上点“退款”。' };
    case 'SEVERAL_PAYMENTS':
      return { payment: '这笔订单有多笔支付，请回到订单时间线，从要退款的那笔支付上点“退款”。' };
    case 'NOTHING_REFUNDABLE':
      return {
        amount: refusal.remaining
          ? '这笔支付已没有可退金额：已全部退款，或退款正在处理中。'
          : '这笔支付没有记录金额（由商城自己写入），无法在这里退款，请在支付宝商家后台处理。',
      };
    case 'EXCEEDS_REMAINING':
      return { amount: `退款金额超过剩余可退金额 ${left}，请改为不超过 ${left} 的金额。` };
    case 'INVALID_REFUND_AMOUNT':
      return { amount: '退款金额必须大于 ¥0.00。' };
    case 'INVALID_REFUND_REASON':
      return { reason: '请填写退款原因（最多 256 个字）。' };
    case 'REFUND_PENDING':
      return {
        payment:
          '这笔支付有一笔退款正在处理中，等它有结果后才能再退款（以免重复退款）。请回到订单时间线查看，或点“向支付宝查询退款”立即查询。',
      };
    case 'INVALID_REQUEST_NO':
      return { payment: '这个退款确认页已失效，请回到订单时间线重新发起退款。' };
  }
}

/** What the confirmation says will happen to the order and the payment's review once Alipay confirms the refund. */
export function effectOfRefund(refundable: Refundable, amount: Money): string[] {
  const { payment, paid, remaining } = refundable;
  const current = payment.orderStatus === null ? null : ORDER_STATUS_LABELS[payment.orderStatus];
  const unchanged = current === null ? '订单状态不变（本系统中没有这个订单）。' : `订单状态不变（当前：${current}）。`;
  if (payment.reviewReason !== null) {
    const review = payment.resolution === null ? ['退款成功后，该笔待核对支付将标记为已处理，处理说明即本次退款。'] : [];
    return [...review, `这笔支付没有记入订单，${unchanged}`];
  }
  // As if every refund still pending succeeds: then all but what is left after this one has gone back.
  const refundedAfter = Money.ofFen(paid.fen - (remaining.fen - amount.fen));
  const next = payment.orderStatus === null ? null : orderAfterRefund(payment.orderStatus, { applied: true, amount: paid }, refundedAfter);
  if (next === OrderStatus.CANCELED) return [`这笔支付将全额退款：退款成功后，订单将改为“已取消”（当前：${current}）。`];
  return [refundedAfter.fen < paid.fen ? `部分退款：${unchanged}` : unchanged];
}

/** The confirmation's figures, below the payment's own. */
export function planFacts(refundable: Refundable, plan: RefundPlan) {
  return [
    { label: '本次退款', value: refundAmountText(plan.amount) },
    { label: '退款后剩余可退', value: fenText(refundable.remaining.fen - plan.amount.fen) },
    { label: '退款原因', value: plan.reason },
  ];
}
