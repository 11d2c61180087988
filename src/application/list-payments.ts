import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { PaymentFilter, PaymentLedger, PaymentRecord, PaymentTotals } from './ports/payment-ledger.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ListPayments {
  constructor(@inject(TOKENS.PaymentLedger) private readonly ledger: PaymentLedger) {}

  /** One page of payments, the filter's totals, and how many wait for review in all. @throws InvalidQuery | StoreUnavailable */
  async execute(
    filter: PaymentFilter,
    request: PageRequest,
  ): Promise<{ page: Page<PaymentRecord>; needingReview: number; totals: PaymentTotals }> {
    const [page, needingReview, totals] = await Promise.all([
      this.ledger.page(filter, request),
      this.ledger.countNeedingReview(),
      this.ledger.totals(filter),
    ]);
    return { page, needingReview, totals };
  }
}
