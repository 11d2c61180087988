import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { PaymentFilter, PaymentLedger, PaymentRecord, PaymentTotals } from './ports/payment-ledger.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ListPayments {
  constructor(@inject(TOKENS.PaymentLedger) private readonly ledger: PaymentLedger) {}

  /** One page of payments, the filter's totals (first page only), and how many wait for review in all. @throws InvalidQuery | StoreUnavailable */
  async execute(
    filter: PaymentFilter,
    request: PageRequest,
  ): Promise<{ page: Page<PaymentRecord>; needingReview: number; totals: PaymentTotals | null }> {
    // The totals belong to the filter, not the page: counted on its first page only, not again on each 下一页.
    const firstPage = request.after === undefined && request.before === undefined;
    const [page, needingReview, totals] = await Promise.all([
      this.ledger.page(filter, request),
      this.ledger.countNeedingReview(),
      firstPage ? this.ledger.totals(filter) : null,
    ]);
    return { page, needingReview, totals };
  }
}
