import { inject, injectable } from 'inversify';
import { OrderNotFound, TradeNoConflict } from '../domain/errors.ts';
import type { PaymentReceipt } from '../domain/order.ts';
import type { Payment } from '../domain/payment.ts';
import { DuplicatePayment } from './errors.ts';
import type { PaymentRepository } from './ports/payment-repository.ts';
import type { PaymentSettings } from './ports/payment-settings.ts';
import type { UnitOfWork } from './ports/unit-of-work.ts';
import { TOKENS } from './tokens.ts';

export interface Recorded {
  readonly payment: Payment;
  /** True when the trade was already recorded, by this channel or the other. */
  readonly duplicate: boolean;
}

/** Records an authentic payment once per trade_no and applies it to its order, in one transaction. */
@injectable()
export class RecordAlipayPayment {
  constructor(
    @inject(TOKENS.PaymentRepository) private readonly payments: PaymentRepository,
    @inject(TOKENS.UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @inject(TOKENS.PaymentSettings) private readonly settings: PaymentSettings,
  ) {}

  /** @throws OrderNotFound | TradeNoConflict | StoreUnavailable */
  async execute(orderId: string, receipt: PaymentReceipt): Promise<Recorded> {
    const known = await this.knownPayment(orderId, receipt.tradeNo);
    if (known) return known;
    try {
      return await this.recordInTransaction(orderId, receipt);
    } catch (error) {
      // A concurrent arrival of the same trade won the unique constraint: its row is committed now.
      if (!(error instanceof DuplicatePayment)) throw error;
      const winner = await this.knownPayment(orderId, receipt.tradeNo);
      if (!winner) throw error;
      return winner;
    }
  }

  /** Payment rows are never changed once written, so reading one needs neither lock nor transaction. */
  private async knownPayment(orderId: string, tradeNo: string): Promise<Recorded | null> {
    const known = await this.payments.findByTradeNo(tradeNo);
    if (!known) return null;
    if (known.orderId !== orderId) throw new TradeNoConflict(tradeNo, orderId, known.orderId);
    return { payment: known, duplicate: true };
  }

  private recordInTransaction(orderId: string, receipt: PaymentReceipt): Promise<Recorded> {
    return this.unitOfWork.run(async ({ orders, payments }) => {
      // The row lock orders every arrival for this order: two trades cannot both find it UNPAID.
      const order = await orders.lockById(orderId);
      if (!order) throw new OrderNotFound(orderId);
      const payment = order.receivePayment(receipt, this.settings.statusAfterPayment);
      await payments.add(payment);
      if (!payment.needsReview) await orders.save(order);
      return { payment, duplicate: false };
    });
  }
}
