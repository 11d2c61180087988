import { inject, injectable } from 'inversify';
import type { PaymentFilter, PaymentLedger, PaymentRecord } from './ports/payment-ledger.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ExportPayments {
  constructor(@inject(TOKENS.PaymentLedger) private readonly ledger: PaymentLedger) {}

  /** Every payment matching the filter, newest first, streamed. */
  execute(filter: PaymentFilter): AsyncIterable<PaymentRecord> {
    return this.ledger.all(filter);
  }
}
