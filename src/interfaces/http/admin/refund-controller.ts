import { inject, injectable } from 'inversify';
import { CheckRefundAsOperator } from '../../../application/check-refund-as-operator.ts';
import { InvalidQuery } from '../../../application/errors.ts';
import { type RefundOutcome, RefundPayment } from '../../../application/refund-payment.ts';
import { isOrderId } from '../../../application/show-order-timeline.ts';
import { isOutRequestNo, RefundNotAllowed } from '../../../domain/refund.ts';
import type { AppContext } from '../app-state.ts';
import { ReadOnlyOperator } from '../middleware/http-errors.ts';
import { ActionNotices, withNotice } from './action-notices.ts';
import { fenText } from './amount.ts';
import { operatorOf } from './operator-of.ts';
import {
  checkTypedRefund,
  effectOfRefund,
  planFacts,
  type Refundable,
  type RefundFormErrors,
  type RefundPlan,
  refusalErrors,
  type TypedRefund,
} from './refund-form.ts';
import { refundCheckNotice, refundNotice } from './refund-labels.ts';

/**
 * 退款 from the back office: the form (what remains, filled in), then a confirmation of what will happen,
 * and only on confirming RefundPayment, whose outcome the order's timeline shows. Every POST passed
 * adminGate's cross-site checks and is an operator's; a viewer is not shown the form either.
 */
@injectable()
export class RefundController {
  constructor(
    @inject(RefundPayment) private readonly refundPayment: RefundPayment,
    @inject(CheckRefundAsOperator) private readonly checkRefund: CheckRefundAsOperator,
    @inject(ActionNotices) private readonly notices: ActionNotices,
  ) {}

  /** POST /admin/refunds/:out_request_no/check: 查询退款 now, shown on the order's timeline. */
  check = async (ctx: AppContext): Promise<void> => {
    const outRequestNo = ctx.params.out_request_no ?? '';
    if (!isOutRequestNo(outRequestNo)) throw new InvalidQuery('out_request_no', 'the refund request no must be 1 to 64 of [0-9A-Za-z_-]');
    const operator = operatorOf(ctx);
    const checked = await this.checkRefund.execute(outRequestNo, operator);
    if (checked === null) throw new InvalidQuery('out_request_no', `no refund has the request no ${outRequestNo}`);
    const { orderId, status } = checked.refund;
    ctx.state.log.info({ orderId, outRequestNo, status, asked: checked.asked, note: checked.note }, 'refund checked by an operator');
    const page = `/admin/orders/${encodeURIComponent(orderId)}`;
    ctx.status = 303;
    ctx.redirect(withNotice(page, this.notices.put(page, operator.actor, refundCheckNotice(checked))));
  };

  /** GET /admin/orders/:order_id/refund?trade_no=T */
  form = async (ctx: AppContext): Promise<void> => {
    if (!ctx.state.admin?.mayOperate) throw new ReadOnlyOperator();
    const tradeNo = typeof ctx.query.trade_no === 'string' ? ctx.query.trade_no : '';
    await this.showForm(ctx, orderIdOf(ctx), { tradeNo, amount: '', reason: '' }, {});
  };

  /** POST /admin/orders/:order_id/refund: step confirm (check, and show what will happen), execute (refund) or edit (back to the form). */
  submit = async (ctx: AppContext): Promise<void> => {
    const orderId = orderIdOf(ctx);
    const form = ctx.state.adminForm ?? new URLSearchParams();
    const typed = { tradeNo: form.get('trade_no') ?? '', amount: form.get('amount') ?? '', reason: form.get('reason') ?? '' };
    const step = form.get('step');
    if (step === 'edit') return this.showForm(ctx, orderId, typed, {});
    const outRequestNo = form.get('out_request_no') ?? '';
    // The confirmation sent twice (a double click, a resubmitted page): what became of the first, never a second refund.
    const sent = step === 'execute' ? await this.sentBefore(orderId, outRequestNo) : null;
    if (sent !== null) return this.showOutcome(ctx, sent, typed.amount);
    const refundable = await this.refundable(orderId, typed.tradeNo);
    if ('errors' in refundable) return this.render(ctx, orderId, typed, null, refundable.errors);
    const checked = checkTypedRefund(typed, refundable);
    if ('errors' in checked) return this.render(ctx, orderId, typed, refundable, checked.errors);
    if (step === 'execute') return this.execute(ctx, orderId, typed, refundable, { ...checked.plan, outRequestNo });
    await ctx.render('admin/refund.pug', {
      ...pageOf(orderId, typed, refundable),
      step: 'confirm',
      outRequestNo: this.refundPayment.newRequestNo(),
      plan: { amount: checked.plan.amount.toString(), reason: checked.plan.reason },
      facts: planFacts(refundable, checked.plan),
      effects: effectOfRefund(refundable, checked.plan.amount),
    });
  };

  private async execute(
    ctx: AppContext,
    orderId: string,
    typed: TypedRefund,
    refundable: Refundable,
    plan: RefundPlan & { outRequestNo: string },
  ): Promise<void> {
    let outcome: RefundOutcome;
    try {
      const outRequestNo = plan.outRequestNo === '' ? undefined : plan.outRequestNo;
      outcome = await this.refundPayment.execute({
        orderId,
        tradeNo: refundable.payment.tradeNo!,
        ...plan,
        outRequestNo,
        ...operatorOf(ctx),
      });
    } catch (error) {
      // Another refund of the payment came first: the form says what is left now.
      if (!(error instanceof RefundNotAllowed)) throw error;
      return this.showForm(ctx, orderId, typed, refusalErrors(error));
    }
    return this.showOutcome(ctx, outcome, plan.amount.toString());
  }

  /** The refund's outcome above the order's timeline. */
  private showOutcome(ctx: AppContext, outcome: RefundOutcome, typedAmount: string): void {
    const { orderId, tradeNo, outRequestNo, status, note } = outcome;
    ctx.state.log.info(
      { orderId, tradeNo, outRequestNo, amount: outcome.amount.toString(), typedAmount, status, note },
      'refund asked for by an operator',
    );
    const page = `/admin/orders/${encodeURIComponent(orderId)}`;
    ctx.status = 303;
    ctx.redirect(withNotice(page, this.notices.put(page, operatorOf(ctx).actor, refundNotice(outcome))));
  }

  /** The refund the confirmation already asked for under its out_request_no; null when none was. */
  private async sentBefore(orderId: string, outRequestNo: string): Promise<RefundOutcome | null> {
    if (outRequestNo === '') return null;
    try {
      return await this.refundPayment.sentBefore(orderId, outRequestNo);
    } catch (error) {
      if (error instanceof RefundNotAllowed) return null;
      throw error;
    }
  }

  private async showForm(ctx: AppContext, orderId: string, typed: TypedRefund, errors: RefundFormErrors): Promise<void> {
    const refundable = await this.refundable(orderId, typed.tradeNo);
    if ('errors' in refundable) return this.render(ctx, orderId, typed, null, { ...refundable.errors, ...errors });
    // The form starts with all that remains: the most common refund, and the most one can ask for.
    const amount = typed.amount === '' && Object.keys(errors).length === 0 ? refundable.remaining.toString() : typed.amount;
    await this.render(ctx, orderId, { ...typed, amount }, refundable, errors);
  }

  private async render(
    ctx: AppContext,
    orderId: string,
    typed: TypedRefund,
    refundable: Refundable | null,
    errors: RefundFormErrors,
  ): Promise<void> {
    if (Object.keys(errors).length > 0) ctx.status = 400;
    await ctx.render('admin/refund.pug', {
      ...pageOf(orderId, typed, refundable),
      step: refundable === null || refundable.remaining.fen === 0 ? 'unavailable' : 'form',
      errors,
    });
  }

  /** The payment and what remains of it; the form's complaint when there is none to refund. @throws OrderNotFound */
  private async refundable(orderId: string, tradeNo: string): Promise<Refundable | { errors: RefundFormErrors }> {
    try {
      const refundable = await this.refundPayment.remaining(orderId, tradeNo === '' ? undefined : tradeNo);
      if (refundable.pending !== null) return { errors: refusalErrors(new RefundNotAllowed('REFUND_PENDING', '', refundable.remaining)) };
      return refundable;
    } catch (error) {
      if (error instanceof RefundNotAllowed) return { errors: refusalErrors(error) };
      throw error;
    }
  }
}

function orderIdOf(ctx: AppContext): string {
  const orderId = ctx.params.order_id ?? '';
  if (!isOrderId(orderId)) throw new InvalidQuery('order_id', 'the order id must be 1 to 64 of [0-9A-Za-z_-]');
  return orderId;
}

/** What every step of the page shows: the order, the payment and its figures, and what was typed. */
function pageOf(orderId: string, typed: TypedRefund, refundable: Refundable | null) {
  const timelineLink = `/admin/orders/${encodeURIComponent(orderId)}`;
  return {
    orderId,
    timelineLink,
    action: `${timelineLink}/refund`,
    typed: { ...typed, tradeNo: refundable?.payment.tradeNo ?? typed.tradeNo },
    payment: refundable && {
      tradeNo: refundable.payment.tradeNo ?? '',
      paid: fenText(refundable.paid.fen),
      heldOrRefunded: fenText(refundable.paid.fen - refundable.remaining.fen),
      remaining: fenText(refundable.remaining.fen),
      keptForReview: refundable.payment.reviewReason !== null && refundable.payment.resolution === null,
    },
  };
}
