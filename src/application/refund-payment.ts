import { inject, injectable } from 'inversify';
import { beijingDigits } from '../domain/beijing-time.ts';
import { OrderNotFound } from '../domain/errors.ts';
import { Money } from '../domain/money.ts';
import {
  isOutRequestNo,
  outRequestNoOf,
  REFUND_CHECK_OFFSETS_MS,
  RefundNotAllowed,
  type RefundStatus,
  refundAmount,
  refundedOf,
  refundReason,
  remainingOf,
  tooMuch,
} from '../domain/refund.ts';
import type { Actor } from './actor.ts';
import type { Clock } from './ports/clock.ts';
import type { OrderRepository } from './ports/order-repository.ts';
import type { PaymentLedger, PaymentRecord } from './ports/payment-ledger.ts';
import type { RefundRecord, RefundRefusal, RefundStore } from './ports/refund-store.ts';
import { RefundAtAlipay } from './refund-at-alipay.ts';
import { TOKENS } from './tokens.ts';

/** A payment as the refund form and the use case weigh it. */
export interface Refundable {
  readonly payment: PaymentRecord;
  readonly paid: Money;
  /** The payment less every refund not refused. */
  readonly remaining: Money;
  /** What Alipay confirmed refunded of it so far. */
  readonly refunded: Money;
  /** A refund of ours of the payment still waiting for Alipay's word, if any. */
  readonly pending: RefundRecord | null;
}

export interface RefundCommand extends Actor {
  readonly orderId: string;
  /** Which payment, when the order has several; its only one otherwise. */
  readonly tradeNo?: string;
  /** All that remains when absent. */
  readonly amount?: Money;
  readonly reason: string;
  /** The out_request_no the form was given at its confirmation (newRequestNo): sent twice, it refunds once. */
  readonly outRequestNo?: string;
}

/** Where the refund stands once this request is done with it. */
export interface RefundOutcome {
  readonly orderId: string;
  readonly tradeNo: string;
  readonly outRequestNo: string;
  readonly amount: Money;
  readonly reason: string;
  readonly status: RefundStatus;
  /** What Alipay confirmed refunded of the payment so far, this refund included once confirmed. */
  readonly refundedTotal: Money;
  /** What may still be refunded: the payment less every refund not refused. */
  readonly remaining: Money;
  readonly refusal: RefundRefusal | null;
  /** One line, English: what Alipay answered. */
  readonly note: string;
}

// An order has one payment, a few when it was paid twice; more is no order of Meiduo's.
const PAYMENTS_PER_ORDER = 50;

/**
 * An operator refunds one payment, in full or in part. The refund is stored with its out_request_no
 * (the database weighing it against what is left) before Alipay is asked; whatever Alipay then answers,
 * or fails to, the refund is settled once: now, or later by SettlePendingRefunds or a refund notify.
 */
@injectable()
export class RefundPayment {
  constructor(
    @inject(TOKENS.OrderRepository) private readonly orders: OrderRepository,
    @inject(TOKENS.PaymentLedger) private readonly payments: PaymentLedger,
    @inject(TOKENS.RefundStore) private readonly refunds: RefundStore,
    @inject(RefundAtAlipay) private readonly alipay: RefundAtAlipay,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /**
   * What may be refunded of the order's payment, for the form, and the refund of ours of it still pending,
   * if any: while one is, no other is asked for. @throws OrderNotFound | RefundNotAllowed | StoreUnavailable
   */
  async remaining(orderId: string, tradeNo?: string): Promise<Refundable> {
    const payment = await this.paymentOf(orderId, tradeNo);
    const paid = amountOf(payment);
    const refunds = await this.refunds.forTrade(payment.tradeNo!);
    const pending = refunds.find((refund) => refund.origin === 'ours' && refund.status === 'pending') ?? null;
    return { payment, paid, remaining: remainingOf(paid, refunds), refunded: refundedOf(refunds), pending };
  }

  /** A new out_request_no: a form asks for one when it shows its confirmation, and sends it back to execute. */
  newRequestNo(): string {
    return outRequestNoOf(beijingDigits(this.clock.now()), crypto.randomUUID().replaceAll('-', ''));
  }

  /**
   * Refunds, or, for an out_request_no already asked for (a second click, a resubmitted form), tells what
   * became of that refund without asking again.
   * @throws OrderNotFound | RefundNotAllowed (nothing stored, Alipay not asked) | StoreUnavailable
   */
  async execute(command: RefundCommand): Promise<RefundOutcome> {
    if (command.outRequestNo !== undefined) {
      const sent = await this.sentBefore(command.orderId, command.outRequestNo);
      if (sent !== null) return sent;
    }
    const reason = refundReason(command.reason);
    const { payment, paid, remaining, pending } = await this.remaining(command.orderId, command.tradeNo);
    if (pending !== null) throw stillPending(pending, remaining);
    const amount = refundAmount(command.amount ?? null, remaining);
    const tradeNo = payment.tradeNo!;
    const at = this.clock.now();
    const outRequestNo = command.outRequestNo ?? this.newRequestNo();
    const requested = await this.refunds.request(
      { outRequestNo, orderId: payment.orderId, tradeNo, amount, reason, requestedBy: command.actor, requestedAt: at },
      {
        at,
        actor: command.actor,
        remoteAddress: command.remoteAddress,
        action: 'refund',
        target: tradeNo,
        detail: `order ${payment.orderId}, ${amount} of ${paid} (${outRequestNo}): ${reason}`,
      },
      new Date(at.getTime() + REFUND_CHECK_OFFSETS_MS[0]!),
    );
    // Another operator's refund of the same payment was stored first: the database said what is left.
    if (requested.outcome === 'exceeds') throw tooMuch(amount, requested.remaining);
    if (requested.outcome === 'pending_exists') throw stillPending(requested.pending, remaining);
    if (requested.outcome === 'duplicate')
      return this.outcomeOf(requested.refund, 'already asked for under this out_request_no: not asked again');
    if (requested.outcome === 'no_payment') throw new RefundNotAllowed('NO_SUCH_PAYMENT', `payment ${tradeNo} is gone`);
    const { refund, note } = await this.alipay.carryOut(requested.refund);
    return this.outcomeOf(refund, note);
  }

  /** What became of the refund asked for under this out_request_no; null when none was. @throws RefundNotAllowed | StoreUnavailable */
  async sentBefore(orderId: string, outRequestNo: string): Promise<RefundOutcome | null> {
    const sent = await this.alreadySent(orderId, outRequestNo);
    return sent === null ? null : this.outcomeOf(sent, 'already asked for under this out_request_no: not asked again');
  }

  /** The refund stored under this out_request_no for this order; null when there is none yet. @throws RefundNotAllowed */
  private async alreadySent(orderId: string, outRequestNo: string): Promise<RefundRecord | null> {
    if (!isOutRequestNo(outRequestNo))
      throw new RefundNotAllowed('INVALID_REQUEST_NO', `${JSON.stringify(outRequestNo)} is not an out_request_no`);
    const sent = await this.refunds.find(outRequestNo);
    if (sent !== null && sent.orderId !== orderId) {
      throw new RefundNotAllowed('INVALID_REQUEST_NO', `out_request_no ${outRequestNo} is a refund of another order`);
    }
    return sent;
  }

  private async outcomeOf(refund: RefundRecord, note: string): Promise<RefundOutcome> {
    const { remaining, refunded } = await this.remaining(refund.orderId, refund.tradeNo);
    return {
      orderId: refund.orderId,
      tradeNo: refund.tradeNo,
      outRequestNo: refund.outRequestNo,
      amount: refund.amount,
      reason: refund.reason,
      status: refund.status,
      refundedTotal: refunded,
      remaining,
      refusal: refund.refusal,
      note,
    };
  }

  private async paymentOf(orderId: string, tradeNo: string | undefined): Promise<PaymentRecord> {
    const payments = (await this.payments.forOrder(orderId, PAYMENTS_PER_ORDER)).filter((payment) => payment.tradeNo !== null);
    if (payments.length === 0) {
      if ((await this.orders.findById(orderId)) === null) throw new OrderNotFound(orderId);
      throw new RefundNotAllowed('NO_SUCH_PAYMENT', `order ${orderId} has no Alipay payment to refund`);
    }
    if (tradeNo !== undefined) {
      const chosen = payments.find((payment) => payment.tradeNo === tradeNo);
      if (chosen === undefined) throw new RefundNotAllowed('NO_SUCH_PAYMENT', `order ${orderId} has no payment with trade no ${tradeNo}`);
      return chosen;
    }
    if (payments.length > 1) {
      const tradeNos = payments.map((payment) => payment.tradeNo).join(', ');
      throw new RefundNotAllowed(
        'SEVERAL_PAYMENTS',
        `order ${orderId} has ${payments.length} payments (${tradeNos}): choose one by its trade no`,
      );
    }
    return payments[0]!;
  }
}

/** @throws RefundNotAllowed for rows Meiduo's own code wrote, which kept no amount */
function amountOf(payment: PaymentRecord): Money {
  if (payment.amount === null) {
    throw new RefundNotAllowed('NOTHING_REFUNDABLE', `payment ${payment.tradeNo} has no recorded amount: refund it in Alipay's portal`);
  }
  return Money.parse(payment.amount);
}

function stillPending(pending: RefundRecord, remaining: Money): RefundNotAllowed {
  return new RefundNotAllowed(
    'REFUND_PENDING',
    `refund ${pending.outRequestNo} of payment ${pending.tradeNo} is still pending: wait until it is settled (or check it now) before asking for another`,
    remaining,
  );
}
