import { inject, injectable } from 'inversify';
import { DomainError, PaymentNeedsReview, TradeNoConflict } from '../domain/errors.ts';
import { meaningOfQueryAnswer, type QueryAnswer } from '../domain/trade-status.ts';
import { ConfirmAlipayPayment } from './confirm-alipay-payment.ts';
import { ApplicationError, StoreUnavailable } from './errors.ts';
import type { AlipayMessage } from './ports/alipay-message.ts';
import type { Clock } from './ports/clock.ts';
import type { PaymentEventLog } from './ports/payment-events.ts';
import type { QueryQueue } from './ports/query-queue.ts';
import type { TradeQuery } from './ports/trade-query.ts';
import { TOKENS } from './tokens.ts';
import { summaryOf } from './trade-summary.ts';

/** What came of asking: Alipay's verified answer, or 'failed' when there was none to believe. */
export type QueryOutcome = QueryAnswer | 'failed';

export interface OrderQueried {
  readonly orderId: string;
  readonly outcome: QueryOutcome;
  /** For a paid trade: what recording it did. */
  readonly payment?: { readonly tradeNo: string; readonly result: 'recorded' | 'duplicate' | 'needs_review' };
  /** One line: Alipay's answer and what was done with it, or why the try failed. */
  readonly summary: string;
  /** Alipay's answer as received (sign left out), when there was one. */
  readonly answer: ReadonlyMap<string, string>;
}

/**
 * Asks Alipay about one order and applies its answer exactly as a return or notify would be applied:
 * the answer is verified and recorded by ConfirmAlipayPayment, with source 'query'.
 */
@injectable()
export class AskAlipayAboutOrder {
  constructor(
    @inject(TOKENS.TradeQuery) private readonly alipay: TradeQuery,
    @inject(ConfirmAlipayPayment) private readonly confirmPayment: ConfirmAlipayPayment,
    @inject(TOKENS.QueryQueue) private readonly queue: QueryQueue,
    @inject(TOKENS.PaymentEventLog) private readonly events: PaymentEventLog,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** Never throws for what Alipay answers, or fails to; @throws StoreUnavailable */
  async execute(orderId: string): Promise<OrderQueried> {
    const at = this.clock.now();
    const queried = await this.ask(orderId);
    // Paid, or this attempt closed: nothing more to ask until a new pay URL.
    if (queried.outcome === 'paid' || queried.outcome === 'closed') await this.queue.finish(orderId, this.clock.now());
    await this.events.append({ orderId, at, kind: 'query', summary: queried.summary });
    return queried;
  }

  private async ask(orderId: string): Promise<OrderQueried> {
    let message: AlipayMessage | undefined;
    const failed = (why: string): OrderQueried => ({
      orderId,
      outcome: 'failed',
      summary: `no answer to rely on: ${why}`,
      answer: answerOf(message),
    });
    try {
      message = await this.alipay.ask(orderId);
      const { outTradeNo } = message.report;
      if (outTradeNo !== null && outTradeNo !== orderId) return failed(`the answer is about order ${outTradeNo}`);
      const confirmed = await this.confirmPayment.execute({ message, source: 'query' });
      const outcome = meaningOfQueryAnswer(message.report.kind);
      if (outcome === null) return failed(`Alipay answered ${summaryOf(message.report)}`);
      if (outcome !== 'paid') return { orderId, outcome, summary: summaryOf(message.report), answer: answerOf(message) };
      const result = confirmed.outcome === 'duplicate' ? 'duplicate' : 'recorded';
      return this.paid(orderId, message, confirmed.tradeNo, result);
    } catch (error) {
      if (error instanceof PaymentNeedsReview) return this.paid(orderId, message!, error.tradeNo, 'needs_review');
      if (error instanceof TradeNoConflict) return this.paid(orderId, message!, error.tradeNo, 'needs_review');
      if (error instanceof StoreUnavailable) throw error;
      if (error instanceof ApplicationError || error instanceof DomainError) return failed(error.message);
      throw error;
    }
  }

  private paid(orderId: string, message: AlipayMessage, tradeNo: string, result: 'recorded' | 'duplicate' | 'needs_review'): OrderQueried {
    const done = { recorded: 'payment recorded', duplicate: 'already recorded', needs_review: 'payment kept for review' }[result];
    return {
      orderId,
      outcome: 'paid',
      payment: { tradeNo, result },
      summary: `${summaryOf(message.report)}: ${done}`,
      answer: answerOf(message),
    };
  }
}

function answerOf(message: AlipayMessage | undefined): ReadonlyMap<string, string> {
  return new Map([...(message?.fields ?? [])].filter(([name]) => name !== 'sign'));
}
