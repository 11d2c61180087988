import { inject, injectable } from 'inversify';
import { beijingDigits } from '../domain/beijing-time.ts';
import { OrderNotFound } from '../domain/errors.ts';
import { Money } from '../domain/money.ts';
import {
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
import type { RefundRefusal, RefundStore } from './ports/refund-store.ts';
import { RefundAtAlipay } from './refund-at-alipay.ts';
import { TOKENS } from './tokens.ts';

export interface RefundCommand extends Actor {
  readonly orderId: string;
  /** Which payment, when the order has several; its only one otherwise. */
  readonly tradeNo?: string;
  /** All that remains when absent. */
  readonly amount?: Money;
  readonly reason: string;
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

  /** What may be refunded of the order's payment, for the form. @throws OrderNotFound | RefundNotAllowed | StoreUnavailable */
  async remaining(orderId: string, tradeNo?: string): Promise<{ payment: PaymentRecord; paid: Money; remaining: Money }> {
    const payment = await this.paymentOf(orderId, tradeNo);
    const paid = amountOf(payment);
    return { payment, paid, remaining: remainingOf(paid, await this.refunds.forTrade(payment.tradeNo!)) };
  }

  /** @throws OrderNotFound | RefundNotAllowed (nothing stored, Alipay not asked) | StoreUnavailable */
  async execute(command: RefundCommand): Promise<RefundOutcome> {
    const reason = refundReason(command.reason);
    const { payment, paid, remaining } = await this.remaining(command.orderId, command.tradeNo);
    const amount = refundAmount(command.amount ?? null, remaining);
    const tradeNo = payment.tradeNo!;
    const at = this.clock.now();
    const outRequestNo = outRequestNoOf(beijingDigits(at), crypto.randomUUID().replaceAll('-', ''));
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
    if (requested.outcome !== 'requested') throw new RefundNotAllowed('NO_SUCH_PAYMENT', `payment ${tradeNo} is gone`);
    const { refund, note } = await this.alipay.carryOut(requested.refund);
    const all = await this.refunds.forTrade(tradeNo);
    return {
      orderId: refund.orderId,
      tradeNo,
      outRequestNo,
      amount,
      reason,
      status: refund.status,
      refundedTotal: refundedOf(all),
      remaining: remainingOf(paid, all),
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
