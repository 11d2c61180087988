import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import { DuplicatePayment } from '../../application/errors.ts';
import type { PaymentRepository } from '../../application/ports/payment-repository.ts';
import { Money } from '../../domain/money.ts';
import { Payment } from '../../domain/payment.ts';
import { PaymentRow } from './rows.ts';
import { guarded, isUniqueViolation } from './store-errors.ts';
import { INFRA } from '../tokens.ts';

/** Given a Knex.Transaction, every query runs inside it. */
@injectable()
export class ObjectionPaymentRepository implements PaymentRepository {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  findByTradeNo(tradeNo: string): Promise<Payment | null> {
    return guarded(async () => {
      const row = await PaymentRow.query(this.knex).findOne({ trade_id: tradeNo });
      return row ? toPayment(row) : null;
    });
  }

  add(payment: Payment): Promise<void> {
    const p = payment.toSnapshot();
    return guarded(async () => {
      try {
        await PaymentRow.query(this.knex).insert({
          order_id: p.orderId, trade_id: p.tradeNo, amount: p.amount?.toString() ?? null, source: p.source,
          state: p.reviewReason === null ? 'applied' : 'needs_review', review_reason: p.reviewReason,
          create_time: p.receivedAt, update_time: p.receivedAt,
        });
      } catch (error) {
        throw isUniqueViolation(error) ? new DuplicatePayment(p.tradeNo) : error;
      }
    });
  }
}

function toPayment(row: PaymentRow): Payment {
  return Payment.rehydrate({
    orderId: row.order_id,
    tradeNo: row.trade_id!,
    amount: row.amount === null ? null : Money.parse(row.amount),
    source: row.source,
    receivedAt: row.create_time,
    reviewReason: row.state === 'applied' ? null : row.review_reason,
  });
}
