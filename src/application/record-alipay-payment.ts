import { inject, injectable } from 'inversify';
import { OrderNotFound, TradeNoConflict } from '../domain/errors.ts';
import type { PaymentReceipt } from '../domain/order.ts';
import type { Payment } from '../domain/payment.ts';
import { DuplicatePayment } from './errors.ts';
import type { PaymentRepository } from './ports/payment-repository.ts';
import type { PaymentSettings } from './ports/payment-settings.ts';
import { TOKENS } from './tokens.ts';

export interface Recorded {
  readonly payment: Payment;
  /** True when the trade was already recorded, by this channel or the other. */
  readonly duplicate: boolean;
}

// An order changes status a handful of times in its life, so a few rounds always settle.
const MAX_ROUNDS = 5;

/** Records an authentic payment once per trade_no and applies it to its order, in one atomic write. */
@injectable()
export class RecordAlipayPayment {
  constructor(
    @inject(TOKENS.PaymentRepository) private readonly payments: PaymentRepository,
    @inject(TOKENS.PaymentSettings) private readonly settings: PaymentSettings,
  ) {}

  /**
   * Reads without locks, decides in the domain, then writes only if the order is still as read;
   * when another arrival changed it first, reads again and decides again.
   * @throws OrderNotFound | TradeNoConflict | StoreUnavailable
   */
  async execute(orderId: string, receipt: PaymentReceipt): Promise<Recorded> {
    for (let round = 1; ; round++) {
      // No lock: payment rows never change once written, and the write lands only if the order is still as read.
      const { payment: known, order } = await this.payments.findTrade(receipt.tradeNo, orderId);
      if (known) {
        if (known.orderId !== orderId) throw new TradeNoConflict(receipt.tradeNo, orderId, known.orderId);
        return { payment: known, duplicate: true };
      }
      if (!order) throw new OrderNotFound(orderId);
      const readStatus = order.status;
      const payment = order.receivePayment(receipt, this.settings.statusAfterPayment);
      try {
        if (await this.payments.record(payment, order, readStatus)) return { payment, duplicate: false };
      } catch (error) {
        // The same trade won the unique constraint meanwhile: the next round finds its row.
        if (!(error instanceof DuplicatePayment)) throw error;
      }
      if (round === MAX_ROUNDS) throw new Error(`order ${orderId} kept changing while trade ${receipt.tradeNo} was recorded`);
    }
  }
}
