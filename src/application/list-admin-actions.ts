import { inject, injectable } from 'inversify';
import type { AdminAction, PaymentReviews } from './ports/payment-reviews.ts';
import { TOKENS } from './tokens.ts';

export const ADMIN_ACTIONS_SHOWN = 200;

/** The audit trail of admin writes, newest first. */
@injectable()
export class ListAdminActions {
  constructor(@inject(TOKENS.PaymentReviews) private readonly reviews: PaymentReviews) {}

  /** @throws StoreUnavailable */
  execute(): Promise<AdminAction[]> {
    return this.reviews.recentActions(ADMIN_ACTIONS_SHOWN);
  }
}
