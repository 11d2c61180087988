import { inject, injectable } from 'inversify';
import { AwaitedPayment } from '../domain/awaited-payment.ts';
import { OrderNotFound, PaymentNeedsReview, TradeNoConflict } from '../domain/errors.ts';
import type { Money } from '../domain/money.ts';
import type { PaymentReceipt } from '../domain/order.ts';
import type { Payment, PaymentSource } from '../domain/payment.ts';
import { meaningOfNotify, meaningOfQueryAnswer, wrongChannel } from '../domain/trade-status.ts';
import { DuplicatePayment, InvalidSignature, MalformedCallback, NotOurMerchant, OrderContended, WrongChannel } from './errors.ts';
import type { AlipayMessage, TradeReport } from './ports/alipay-message.ts';
import type { Clock } from './ports/clock.ts';
import type { PaymentRepository } from './ports/payment-repository.ts';
import type { PaymentSettings } from './ports/payment-settings.ts';
import type { SignatureDiagnosis, SignatureDoctor } from './ports/signature-doctor.ts';
import type { SignatureVerifier } from './ports/signature-verifier.ts';
import { TOKENS } from './tokens.ts';

export interface ConfirmAlipayPaymentCommand {
  /** A return, a notify, or Alipay's answer to our alipay.trade.query. */
  readonly message: AlipayMessage;
  readonly source: PaymentSource;
  /** Told when the message was accepted only after undoing transport damage to it, before anything is recorded. */
  readonly onRepaired?: (diagnosis: SignatureDiagnosis) => Promise<void>;
}

export interface PaymentConfirmed {
  /**
   * recorded: first time we hear of this trade. duplicate: already recorded (a refresh, a replay, or another
   * channel first). ignored: an authentic notify or query answer that reports no new payment (unpaid,
   * closed, refund).
   */
  readonly outcome: 'recorded' | 'duplicate' | 'ignored';
  readonly orderId: string;
  readonly tradeNo: string;
  /** The message as Alipay signed it: the one received, or its repair. What is read from it afterwards is read from this. */
  readonly verified: AlipayMessage;
}

// An order changes status a handful of times in its life, so a few rounds always settle.
const MAX_ROUNDS = 5;

@injectable()
export class ConfirmAlipayPayment {
  constructor(
    @inject(TOKENS.SignatureVerifier) private readonly verifier: SignatureVerifier,
    @inject(TOKENS.PaymentSettings) private readonly settings: PaymentSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.PaymentRepository) private readonly payments: PaymentRepository,
    @inject(TOKENS.SignatureDoctor) private readonly doctor: SignatureDoctor,
  ) {}

  /**
   * Records an authentic Alipay payment once per trade_no and applies it to its order, in one atomic write.
   * @throws InvalidSignature | NotOurMerchant | WrongChannel | MalformedCallback | OrderNotFound
   *   | PaymentNeedsReview (after recording it) | TradeNoConflict | OrderContended | StoreUnavailable
   */
  async execute({ message: received, source, onRepaired }: ConfirmAlipayPaymentCommand): Promise<PaymentConfirmed> {
    const { message, repair } = this.authenticate(received, source);
    const { report } = message;
    const mismatch = wrongChannel(source, report.kind);
    if (mismatch !== null) throw new WrongChannel(source, mismatch);
    // Authentic, ours and on its channel: only now is the repair it needed worth reporting.
    if (repair !== null) await onRepaired?.(repair);
    if (!reportsPayment(source, report)) {
      return { outcome: 'ignored', orderId: report.outTradeNo ?? '', tradeNo: report.tradeNo ?? '', verified: message };
    }
    const { orderId, tradeNo, amount } = paymentFacts(report);
    const { payment, duplicate } = await this.record(orderId, { tradeNo, amount, source, receivedAt: this.clock.now() });
    if (payment.needsReview) throw new PaymentNeedsReview(orderId, payment.tradeNo, payment.reviewReason!);
    return { outcome: duplicate ? 'duplicate' : 'recorded', orderId, tradeNo: payment.tradeNo, verified: message };
  }

  /** The message as Alipay signed it, for our app and seller; else why not (InvalidSignature, MalformedCallback, NotOurMerchant). */
  private authenticate(received: AlipayMessage, source: PaymentSource): { message: AlipayMessage; repair: SignatureDiagnosis | null } {
    const verified = this.verified(received, source);
    // A signed text that could stand for other parameters proves nothing.
    if (verified.message.ambiguity !== null) throw new MalformedCallback(verified.message.ambiguity);
    const { report } = verified.message;
    if (report.appId !== this.settings.appId) throw new NotOurMerchant('app_id', report.appId ?? '');
    // A query answer names no seller: our own signed request named the app, and Alipay signed its answer to it.
    const sellerNamed = source !== 'query';
    if (sellerNamed && this.settings.sellerId !== null && report.sellerId !== this.settings.sellerId) {
      throw new NotOurMerchant('seller_id', report.sellerId ?? '');
    }
    return verified;
  }

  private verified(received: AlipayMessage, source: PaymentSource): { message: AlipayMessage; repair: SignatureDiagnosis | null } {
    const { sign, signType, signedContents } = received;
    if (sign === '') throw new InvalidSignature('no sign');
    // The algorithm is ours to choose, never the request's: that would be a downgrade hole.
    const ourAlgorithm = signType === undefined || signType === this.verifier.signType;
    if (ourAlgorithm && signedContents.some((content) => this.verifier.verify(content, sign))) return { message: received, repair: null };
    const why = ourAlgorithm ? 'does not verify' : `sign_type ${JSON.stringify(signType)} is not ${this.verifier.signType}`;
    // The doctor knows what proxies do to forms; an answer we fetched ourselves has no such excuse.
    if (source === 'query') throw new InvalidSignature(why);
    // Only now, on the unhappy path, is it worth a few more verifications to say why.
    const { diagnosis, repaired } = this.doctor.diagnose(received);
    if (repaired) return { message: repaired, repair: diagnosis };
    throw new InvalidSignature(why, diagnosis);
  }

  /**
   * Tries the write of the common case first: an UNPAID order of this amount takes the payment as the
   * domain foresees, with no read before. Otherwise decides in the domain on the read that came back,
   * and writes only if the order is still as read; when another arrival changed it first, reads again
   * and decides again.
   */
  private async record(orderId: string, receipt: PaymentReceipt): Promise<{ payment: Payment; duplicate: boolean }> {
    const awaited = AwaitedPayment.of(orderId, receipt, this.settings.statusAfterPayment);
    const attempt = await this.payments.recordIfAwaited(awaited);
    if (attempt === 'recorded') return { payment: awaited.payment, duplicate: false };
    let trade = attempt;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      // No lock: payment rows never change once written, and the write lands only if the order is still as read.
      if (round > 1) trade = await this.payments.findTrade(receipt.tradeNo, orderId);
      const { payment: known, order } = trade;
      if (known) {
        if (known.orderId !== orderId) throw new TradeNoConflict(receipt.tradeNo, orderId, known.orderId);
        return { payment: known, duplicate: true };
      }
      if (!order) throw new OrderNotFound(orderId);
      const readStatus = order.status;
      const payment = order.receivePayment(receipt, this.settings.statusAfterPayment);
      try {
        if (await this.payments.record(payment, order, readStatus)) return { payment, duplicate: false };
      } catch (error) {
        // The same trade won the unique constraint meanwhile: the next round finds its row.
        if (!(error instanceof DuplicatePayment)) throw error;
      }
    }
    throw new OrderContended(orderId, receipt.tradeNo);
  }
}

/** A return proves a payment by arriving; a notify or a query answer says whether there was one. */
function reportsPayment(source: PaymentSource, { kind }: TradeReport): boolean {
  if (source === 'notify') return meaningOfNotify(kind) === 'paid';
  if (source === 'query') return meaningOfQueryAnswer(kind) === 'paid';
  return true;
}

/** A message that reports a payment must name the order, the trade and the amount. @throws MalformedCallback */
function paymentFacts({ outTradeNo, tradeNo, totalAmount }: TradeReport): { orderId: string; tradeNo: string; amount: Money } {
  if (outTradeNo === null || tradeNo === null || totalAmount === null) {
    throw new MalformedCallback('out_trade_no, trade_no and total_amount are required to record a payment');
  }
  return { orderId: outTradeNo, tradeNo, amount: totalAmount };
}
