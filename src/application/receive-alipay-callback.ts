import { inject, injectable } from 'inversify';
import { DomainError, PaymentNeedsReview, TradeNoConflict } from '../domain/errors.ts';
import type { Money } from '../domain/money.ts';
import type { PaymentSource } from '../domain/payment.ts';
import { meaningOfNotify } from '../domain/trade-status.ts';
import { ConfirmAlipayPayment, type PaymentConfirmed } from './confirm-alipay-payment.ts';
import { ApplicationError, InvalidSignature } from './errors.ts';
import type { AlipayCallbackParser } from './ports/alipay-callback-parser.ts';
import type { AlipayMessage } from './ports/alipay-message.ts';
import type { Clock } from './ports/clock.ts';
import type { PaymentEventLog } from './ports/payment-events.ts';
import type { RejectionLog, RejectionReason } from './ports/rejection-log.ts';
import type { SignatureDiagnosis } from './ports/signature-doctor.ts';
import { type RefundNotified, SettleRefundNotify } from './settle-refund-notify.ts';
import { TOKENS } from './tokens.ts';
import { summaryOf } from './trade-summary.ts';

export interface ReceiveAlipayCallbackCommand {
  /** The query string of a return, or the body of a notify, exactly as received. */
  readonly raw: Uint8Array;
  readonly source: PaymentSource;
  readonly remoteAddress: string;
}

export interface CallbackReceived extends PaymentConfirmed {
  /** What Alipay says was paid (total_amount), now that the message is known to be authentic; null when it names none. */
  readonly amount: Money | null;
  /** Set when the message was accepted only after undoing this damage to it. */
  readonly repaired?: SignatureDiagnosis;
}

const AUDITED: ReadonlySet<string> = new Set<RejectionReason>([
  'MALFORMED_CALLBACK',
  'INVALID_SIGNATURE',
  'NOT_OUR_MERCHANT',
  'WRONG_CHANNEL',
  'ORDER_NOT_FOUND',
]);
const DONE: Record<PaymentConfirmed['outcome'], string> = {
  recorded: 'payment recorded',
  duplicate: 'already recorded',
  ignored: 'no new payment',
};
const REFUND_DONE: Record<RefundNotified, string> = {
  settled: 'refund settled',
  already_settled: 'refund already settled',
  external: 'refund made outside the service recorded',
  nothing_new: 'no new refund',
};
const MAX_VALUE = 128;
const MAX_PARAMS = 2_000;

/** Parses a return or notify once, confirms it, and keeps evidence of every one we refuse. */
@injectable()
export class ReceiveAlipayCallback {
  constructor(
    @inject(TOKENS.AlipayCallbackParser) private readonly parser: AlipayCallbackParser,
    @inject(ConfirmAlipayPayment) private readonly confirmPayment: ConfirmAlipayPayment,
    @inject(TOKENS.RejectionLog) private readonly rejections: RejectionLog,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.PaymentEventLog) private readonly events: PaymentEventLog,
    @inject(SettleRefundNotify) private readonly refunds: SettleRefundNotify,
  ) {}

  /** @throws whatever ConfirmAlipayPayment throws, after recording the refusals among them */
  async execute({ raw, source, remoteAddress }: ReceiveAlipayCallbackCommand): Promise<CallbackReceived> {
    let callback: AlipayMessage | undefined;
    const keep = (reason: RejectionReason, detail: string, diagnosis: SignatureDiagnosis | null) =>
      this.rejections.record({
        at: this.clock.now(),
        channel: source,
        reason,
        detail,
        remoteAddress,
        outTradeNo: callback?.report.outTradeNo ?? null,
        tradeNo: callback?.report.tradeNo ?? null,
        params: evidence(callback?.fields, raw),
        raw,
        diagnosis,
      });
    try {
      callback = this.parser.parse(raw);
      // Accepted, but the damage it came with is a configuration or proxy problem that someone must fix.
      let repaired: SignatureDiagnosis | undefined;
      const onRepaired = (diagnosis: SignatureDiagnosis) => {
        repaired = diagnosis;
        return keep('SIGNATURE_REPAIRED', `accepted after repair: ${diagnosis}`, diagnosis);
      };
      const confirmed = await this.confirmPayment.execute({ message: callback, source, onRepaired });
      const { verified } = confirmed;
      const refund =
        source === 'notify' && meaningOfNotify(verified.report.kind) === 'refund' ? await this.refunds.execute(verified) : null;
      // A return's first arrival is its payment row, and its refreshes are noise; every notify is Alipay speaking.
      if (source === 'notify' && confirmed.orderId !== '') {
        await this.noteNotify(callback, confirmed.orderId, refund === null ? DONE[confirmed.outcome] : REFUND_DONE[refund]);
      }
      const received = { ...confirmed, amount: callback.report.totalAmount };
      return repaired === undefined ? received : { ...received, repaired };
    } catch (error) {
      const known = error instanceof DomainError || error instanceof ApplicationError;
      if (known && AUDITED.has(error.code)) {
        await keep(error.code as RejectionReason, error.message, error instanceof InvalidSignature ? error.diagnosis : null);
      }
      if (source === 'notify' && (error instanceof PaymentNeedsReview || error instanceof TradeNoConflict)) {
        await this.noteNotify(callback!, callback!.report.outTradeNo!, `kept for review: ${error.message}`);
      }
      throw error;
    }
  }

  private noteNotify({ report }: AlipayMessage, orderId: string, done: string): Promise<void> {
    return this.events.append({ orderId, at: this.clock.now(), kind: 'notify', summary: `${summaryOf(report)}: ${done}` });
  }
}

/** The parameters without sign, each value and the whole cut short: evidence, not a copy of an attack. */
function evidence(fields: ReadonlyMap<string, string> | undefined, raw: Uint8Array): string {
  if (!fields) {
    return new TextDecoder()
      .decode(raw.subarray(0, MAX_PARAMS * 2))
      .replace(/(^|&)sign=[^&]*/g, '$1sign=…')
      .slice(0, MAX_PARAMS);
  }
  const kept: Record<string, string> = {};
  for (const [key, value] of fields) {
    if (key !== 'sign') kept[key.slice(0, MAX_VALUE)] = value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value;
  }
  return JSON.stringify(kept).slice(0, MAX_PARAMS);
}
