import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import { DuplicatePayment } from '../../application/errors.ts';
import type { PaymentRepository } from '../../application/ports/payment-repository.ts';
import type { Payment } from '../../domain/payment.ts';
import { paymentRecord, toPayment } from './records.ts';
import { PaymentRow } from './rows.ts';
import { guarded, isUniqueViolation } from './store-errors.ts';
import { INFRA } from '../tokens.ts';

/** Given a Knex.Transaction, every query runs inside it. */
@injectable()
export class ObjectionPaymentRepository implements PaymentRepository {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  findByTradeNo(tradeNo: string): Promise<Payment | null> {
    return guarded(async () => toPayment(await PaymentRow.query(this.knex).findOne({ trade_id: tradeNo })));
  }

  add(payment: Payment): Promise<void> {
    const record = paymentRecord(payment);
    return guarded(async () => {
      try {
        await PaymentRow.query(this.knex).insert(record);
      } catch (error) {
        throw isUniqueViolation(error) ? new DuplicatePayment(payment.tradeNo) : error;
      }
    });
  }
}
