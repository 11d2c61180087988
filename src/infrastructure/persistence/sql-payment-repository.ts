import { inject, injectable } from 'inversify';
import { DuplicatePayment } from '../../application/errors.ts';
import type { PaymentRepository } from '../../application/ports/payment-repository.ts';
import type { Payment } from '../../domain/payment.ts';
import { paymentRecord, toPayment, type PaymentRecord } from './records.ts';
import type { Sql } from './sql.ts';
import { guarded, isUniqueViolation } from './store-errors.ts';
import { INFRA } from '../tokens.ts';

const FIND = {
  name: 'payment_find',
  text: 'SELECT order_id, trade_id, amount, source, state, review_reason, create_time, update_time FROM tb_payment WHERE trade_id = $1',
};
const INSERT = {
  name: 'payment_insert',
  text: `INSERT INTO tb_payment (order_id, trade_id, amount, source, state, review_reason, create_time, update_time)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
};

/** Prepared statements on the driver; given a transaction's Sql, every query runs inside it. */
@injectable()
export class SqlPaymentRepository implements PaymentRepository {
  constructor(@inject(INFRA.Sql) private readonly sql: Sql) {}

  findByTradeNo(tradeNo: string): Promise<Payment | null> {
    return guarded(async () => toPayment((await this.sql.query<PaymentRecord>(FIND, [tradeNo])).rows[0]));
  }

  add(payment: Payment): Promise<void> {
    const r = paymentRecord(payment);
    return guarded(async () => {
      try {
        await this.sql.query(INSERT, [r.order_id, r.trade_id, r.amount, r.source, r.state, r.review_reason, r.create_time, r.update_time]);
      } catch (error) {
        throw isUniqueViolation(error) ? new DuplicatePayment(r.trade_id!) : error;
      }
    });
  }
}
