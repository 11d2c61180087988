import { inject, injectable } from 'inversify';
import { ReviewNotPending, resolveReview } from '../domain/review.ts';
import type { Clock } from './ports/clock.ts';
import type { PaymentReviews } from './ports/payment-reviews.ts';
import { TOKENS } from './tokens.ts';

export interface ResolveReviewCommand {
  readonly tradeNo: string;
  readonly note: string;
  /** The signed-in admin user. */
  readonly actor: string;
  readonly remoteAddress: string;
}

/** Staff mark a payment kept for review as handled (已处理), saying what they did; every such write is audited. */
@injectable()
export class ResolvePaymentReview {
  constructor(
    @inject(TOKENS.PaymentReviews) private readonly reviews: PaymentReviews,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** The order the payment belongs to. @throws ReviewNotPending | InvalidReviewNote | StoreUnavailable */
  async execute({ tradeNo, note, actor, remoteAddress }: ResolveReviewCommand): Promise<{ orderId: string }> {
    const { state, orderId } = await this.reviews.stateOf(tradeNo);
    const resolution = resolveReview({ tradeNo, state }, { by: actor, at: this.clock.now(), note });
    const audit = {
      at: resolution.at,
      actor,
      remoteAddress,
      action: 'resolve_review',
      target: tradeNo,
      detail: resolution.note,
    } as const;
    // Another operator may have been quicker between the read and this write: the write's guard says so.
    if (!(await this.reviews.resolve(tradeNo, resolution, audit))) throw new ReviewNotPending(tradeNo, 'resolved');
    return { orderId: orderId! };
  }
}
