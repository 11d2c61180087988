import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { PaymentFilter, PaymentLedger, PaymentRecord } from './ports/payment-ledger.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ListPayments {
  constructor(@inject(TOKENS.PaymentLedger) private readonly ledger: PaymentLedger) {}

  /** One page of payments, and how many need review in all. @throws InvalidQuery | StoreUnavailable */
  async execute(filter: PaymentFilter, request: PageRequest): Promise<{ page: Page<PaymentRecord>; needingReview: number }> {
    const [page, needingReview] = await Promise.all([this.ledger.page(filter, request), this.ledger.countNeedingReview()]);
    return { page, needingReview };
  }
}
