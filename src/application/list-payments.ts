import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { PaymentFilter, PaymentLedger, PaymentRecord, PaymentTotals } from './ports/payment-ledger.ts';
import type { ReconciliationStore, WaitingDiscrepancies } from './ports/reconciliation-store.ts';
import { TOKENS } from './tokens.ts';

export interface PaymentsListed {
  readonly page: Page<PaymentRecord>;
  readonly needingReview: number;
  /** The reconciliation discrepancies no one has handled yet: staff's other queue. */
  readonly waitingDiscrepancies: WaitingDiscrepancies;
  readonly totals: PaymentTotals | null;
}

@injectable()
export class ListPayments {
  constructor(
    @inject(TOKENS.PaymentLedger) private readonly ledger: PaymentLedger,
    @inject(TOKENS.ReconciliationStore) private readonly reconciliations: ReconciliationStore,
  ) {}

  /**
   * One page of payments, the filter's totals (first page only), and how many payments wait for review
   * and discrepancies for handling, in all. @throws InvalidQuery | StoreUnavailable
   */
  async execute(filter: PaymentFilter, request: PageRequest): Promise<PaymentsListed> {
    // The totals belong to the filter, not the page: counted on its first page only, not again on each 下一页.
    const firstPage = request.after === undefined && request.before === undefined;
    const [page, needingReview, waitingDiscrepancies, totals] = await Promise.all([
      this.ledger.page(filter, request),
      this.ledger.countNeedingReview(),
      this.reconciliations.waiting(),
      firstPage ? this.ledger.totals(filter) : null,
    ]);
    return { page, needingReview, waitingDiscrepancies, totals };
  }
}
