import { inject, injectable } from 'inversify';
import { PaymentNeedsReview } from '../domain/errors.ts';
import { Money } from '../domain/money.ts';
import type { PaymentReceipt } from '../domain/order.ts';
import type { PaymentSource } from '../domain/payment.ts';
import { type MessageKind, meaningOfNotify, wrongChannel } from '../domain/trade-status.ts';
import { InvalidSignature, MalformedCallback, NotOurMerchant, WrongChannel } from './errors.ts';
import type { AlipayCallback } from './ports/alipay-callback-parser.ts';
import type { Clock } from './ports/clock.ts';
import type { PaymentSettings } from './ports/payment-settings.ts';
import type { SignatureVerifier } from './ports/signature-verifier.ts';
import { RecordAlipayPayment } from './record-alipay-payment.ts';
import { TOKENS } from './tokens.ts';

export interface ConfirmAlipayPaymentCommand {
  readonly callback: AlipayCallback;
  readonly source: PaymentSource;
}

export interface PaymentConfirmed {
  /**
   * recorded: first time we hear of this trade. duplicate: already recorded (a refresh, a replay, or the
   * other channel first). ignored: an authentic notify that reports no new payment (unpaid, closed, refund).
   */
  readonly outcome: 'recorded' | 'duplicate' | 'ignored';
  readonly orderId: string;
  readonly tradeNo: string;
}

// Lengths of tb_order_info.order_id and tb_payment.trade_id.
const MAX_ORDER_ID = 64;
const MAX_TRADE_NO = 100;
// PostgreSQL refuses NUL in text; no Alipay id holds any control character.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

@injectable()
export class ConfirmAlipayPayment {
  constructor(
    @inject(TOKENS.SignatureVerifier) private readonly verifier: SignatureVerifier,
    @inject(TOKENS.PaymentSettings) private readonly settings: PaymentSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(RecordAlipayPayment) private readonly recordPayment: RecordAlipayPayment,
  ) {}

  /**
   * Records an authentic Alipay payment once per trade_no and applies it to its order.
   * @throws InvalidSignature | NotOurMerchant | WrongChannel | MalformedCallback | OrderNotFound
   *   | PaymentNeedsReview (after recording it) | TradeNoConflict | StoreUnavailable
   */
  async execute({ callback, source }: ConfirmAlipayPaymentCommand): Promise<PaymentConfirmed> {
    this.authenticate(callback);
    const { fields } = callback;
    const kind = messageKind(fields);
    const mismatch = wrongChannel(source, kind);
    if (mismatch !== null) throw new WrongChannel(source, mismatch);
    if (source === 'notify' && meaningOfNotify(kind) !== 'paid') {
      return { outcome: 'ignored', orderId: fields.get('out_trade_no') ?? '', tradeNo: fields.get('trade_no') ?? '' };
    }
    const { orderId, receipt } = this.readReceipt(fields, source);
    const { payment, duplicate } = await this.recordPayment.execute(orderId, receipt);
    if (payment.needsReview) throw new PaymentNeedsReview(orderId, payment.tradeNo, payment.reviewReason!);
    return { outcome: duplicate ? 'duplicate' : 'recorded', orderId, tradeNo: payment.tradeNo };
  }

  private authenticate({ sign, signType, signedContents, fields }: AlipayCallback): void {
    // The algorithm is ours to choose, never the request's: that would be a downgrade hole.
    if (signType !== undefined && signType !== this.verifier.signType) {
      throw new InvalidSignature(`sign_type ${JSON.stringify(signType)} is not ${this.verifier.signType}`);
    }
    if (sign === '') throw new InvalidSignature('no sign');
    if (!signedContents.some((content) => this.verifier.verify(content, sign))) {
      throw new InvalidSignature('does not verify');
    }
    const appId = fields.get('app_id') ?? '';
    if (appId !== this.settings.appId) throw new NotOurMerchant('app_id', appId);
    const sellerId = fields.get('seller_id') ?? '';
    if (this.settings.sellerId !== null && sellerId !== this.settings.sellerId) {
      throw new NotOurMerchant('seller_id', sellerId);
    }
  }

  private readReceipt(fields: ReadonlyMap<string, string>, source: PaymentSource) {
    const orderId = requireField(fields, 'out_trade_no', MAX_ORDER_ID);
    const tradeNo = requireField(fields, 'trade_no', MAX_TRADE_NO);
    const totalAmount = requireField(fields, 'total_amount', 16);
    let amount: Money;
    try {
      amount = Money.parse(totalAmount);
    } catch {
      throw new MalformedCallback(`total_amount ${JSON.stringify(totalAmount)} is not an amount`);
    }
    const receipt: PaymentReceipt = { tradeNo, amount, source, receivedAt: this.clock.now() };
    return { orderId, receipt };
  }
}

function messageKind(fields: ReadonlyMap<string, string>): MessageKind {
  return {
    method: fields.get('method') ?? '',
    notifyType: fields.get('notify_type') ?? '',
    tradeStatus: fields.get('trade_status') ?? '',
    refundFee: fields.get('refund_fee') ?? '',
    gmtRefund: fields.get('gmt_refund') ?? '',
  };
}

function requireField(fields: ReadonlyMap<string, string>, name: string, maxLength: number): string {
  const value = fields.get(name) ?? '';
  if (value === '' || value.length > maxLength || CONTROL_CHARACTER.test(value)) {
    throw new MalformedCallback(`${name} is missing, longer than ${maxLength} or holds control characters`);
  }
  return value;
}
