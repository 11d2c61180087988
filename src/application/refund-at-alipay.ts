import { inject, injectable } from 'inversify';
import { alipayInstant } from '../domain/beijing-time.ts';
import { meaningOfRefundAnswer, meaningOfRefundQuery } from '../domain/refund.ts';
import { RefundCallFailed } from './errors.ts';
import type { Clock } from './ports/clock.ts';
import type { RefundGateway, SignedAnswer } from './ports/refund-gateway.ts';
import type { RefundRecord, RefundRefusal, RefundStore } from './ports/refund-store.ts';
import type { SignatureVerifier } from './ports/signature-verifier.ts';
import { TOKENS } from './tokens.ts';

// Timeouts, HTTP errors and ACQ.SYSTEM_ERROR: tried again at once, always with the same out_request_no.
const CALLS_PER_TRY = 3;

/** What one try at Alipay left the refund as, and why, for the operator and the log. */
export interface RefundTried {
  readonly refund: RefundRecord;
  /** One line, English: what Alipay answered, or why there was nothing to rely on. */
  readonly note: string;
}

/**
 * Carries a stored refund out at Alipay and settles it on Alipay's signed word alone. The out_request_no
 * never changes, so however often this runs, Alipay moves the money at most once.
 */
@injectable()
export class RefundAtAlipay {
  constructor(
    @inject(TOKENS.RefundGateway) private readonly alipay: RefundGateway,
    @inject(TOKENS.RefundStore) private readonly refunds: RefundStore,
    @inject(TOKENS.SignatureVerifier) private readonly verifier: SignatureVerifier,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /**
   * alipay.trade.refund for a pending refund. `doubtful`: an earlier call under its out_request_no may have
   * reached Alipay unheard, so a refusal now may be a refusal of a repeat of a refund done: it is then
   * believed only once the refund query finds no such refund. @throws StoreUnavailable
   */
  async carryOut(refund: RefundRecord, doubtful = false): Promise<RefundTried> {
    let why = 'no call made';
    let unheard = doubtful;
    for (let call = 1; call <= CALLS_PER_TRY; call++) {
      const answer = await this.signed(refund, () =>
        this.alipay.refund({
          orderId: refund.orderId,
          tradeNo: refund.tradeNo,
          outRequestNo: refund.outRequestNo,
          amount: refund.amount.toString(),
          reason: refund.reason,
        }),
      );
      if (typeof answer === 'string') {
        why = answer;
        unheard = true;
        continue;
      }
      const meaning = meaningOfRefundAnswer(fieldsOf(answer));
      if (meaning.kind === 'refunded') return this.refunded(refund, answer.fields.get('gmt_refund_pay'), 'Alipay refunded it');
      if (meaning.kind === 'refused') return this.refused(refund, { subCode: meaning.subCode, message: meaning.message }, unheard);
      // A repeat of a refund done before, or one not done yet: only the refund query can tell which.
      if (meaning.kind === 'unconfirmed') return this.now(refund, 'Alipay took it without saying the money moved: asking again later');
      why = meaning.why;
      unheard = true;
    }
    return this.now(refund, `no answer to rely on (${why}): asking again later`);
  }

  /**
   * alipay.trade.fastpay.refund.query for a pending refund. When Alipay has no such refund, it is asked
   * for again under the same out_request_no. @throws StoreUnavailable
   */
  async check(refund: RefundRecord): Promise<RefundTried> {
    const answer = await this.signed(refund, () => this.alipay.ask(refund));
    if (typeof answer === 'string') return this.now(refund, `no answer to rely on (${answer}): asking again later`);
    const found = this.found(refund, answer);
    if (found === 'refunded') return this.refunded(refund, answer.fields.get('gmt_refund_pay'), 'the refund query says it is refunded');
    // Earlier calls under this out_request_no went unheard, or the refund would not be pending.
    if (found === 'absent') return this.carryOut(refund, true);
    if (found === 'unknown')
      return this.now(refund, `the refund query answered code ${answer.fields.get('code') ?? ''}: asking again later`);
    return this.now(refund, `the refund query names refund_amount ${found.otherAmount}, not ${refund.amount}: asking again later`);
  }

  /** Settles a refusal; after an unheard call, only once the refund query finds no such refund. */
  private async refused(refund: RefundRecord, refusal: RefundRefusal, unheard: boolean): Promise<RefundTried> {
    if (unheard) {
      const answer = await this.signed(refund, () => this.alipay.ask(refund));
      const found = typeof answer === 'string' ? 'unknown' : this.found(refund, answer);
      if (found === 'refunded')
        return this.refunded(refund, (answer as SignedAnswer).fields.get('gmt_refund_pay'), 'the refund query says it is refunded');
      if (found !== 'absent')
        return this.now(refund, `Alipay refused a repeat (${refusal.subCode}) and the refund query could not tell: asking again later`);
    }
    await this.refunds.settleRefused(refund.outRequestNo, this.clock.now(), refusal);
    return this.now(refund, `Alipay refused it: ${refusal.subCode}`);
  }

  /** What a verified refund query answer says of this refund; a refund of another amount is no answer of ours. */
  private found(refund: RefundRecord, { fields }: SignedAnswer): 'refunded' | 'absent' | 'unknown' | { otherAmount: string } {
    const refundAmount = fields.get('refund_amount') ?? '';
    const meaning = meaningOfRefundQuery({ code: fields.get('code') ?? '', refundStatus: fields.get('refund_status') ?? '', refundAmount });
    // Alipay refunds what the out_request_no was first sent with, which is always our stored amount.
    if (meaning === 'refunded' && refundAmount !== '' && refundAmount !== refund.amount.toString()) {
      return { otherAmount: refundAmount };
    }
    return meaning;
  }

  private async refunded(refund: RefundRecord, alipayTime: string | undefined, why: string): Promise<RefundTried> {
    const at = this.clock.now();
    await this.refunds.settleRefunded(refund.outRequestNo, at, alipayInstant(alipayTime ?? '') ?? at);
    return this.now(refund, why);
  }

  private async now(refund: RefundRecord, note: string): Promise<RefundTried> {
    return { refund: (await this.refunds.find(refund.outRequestNo)) ?? refund, note };
  }

  /** The answer when it is Alipay's and verifies; otherwise why it cannot be relied on. */
  private async signed(refund: RefundRecord, call: () => Promise<SignedAnswer>): Promise<SignedAnswer | string> {
    let answer: SignedAnswer;
    try {
      answer = await call();
    } catch (error) {
      if (error instanceof RefundCallFailed) return error.message;
      throw error;
    }
    if (answer.sign === '')
      return `unsigned answer: ${answer.fields.get('code') ?? 'no code'} ${answer.fields.get('sub_code') ?? ''}`.trim();
    if (!answer.signedContents.some((content) => this.verifier.verify(content, answer.sign))) return 'the answer does not verify';
    // Signed, yet about another trade or refund: Alipay's word, but not on this.
    for (const [field, ours] of [
      ['trade_no', refund.tradeNo],
      ['out_trade_no', refund.orderId],
      ['out_request_no', refund.outRequestNo],
    ] as const) {
      const named = answer.fields.get(field);
      if (named !== undefined && named !== '' && named !== ours) return `the answer names ${field} ${named}, not ${ours}`;
    }
    return answer;
  }
}

function fieldsOf({ fields }: SignedAnswer) {
  return {
    code: fields.get('code') ?? '',
    subCode: fields.get('sub_code') ?? '',
    subMsg: fields.get('sub_msg') ?? '',
    fundChange: fields.get('fund_change') ?? '',
  };
}
