import { inject, injectable } from 'inversify';
import { OrderNotFound, TradeNoConflict } from '../domain/errors.ts';
import type { PaymentReceipt } from '../domain/order.ts';
import type { Payment } from '../domain/payment.ts';
import { DuplicatePayment } from './errors.ts';
import type { OrderRepository } from './ports/order-repository.ts';
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
    @inject(TOKENS.OrderRepository) private readonly orders: OrderRepository,
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
      const known = await this.knownPayment(orderId, receipt.tradeNo);
      if (known) return known;
      const order = await this.orders.findById(orderId);
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

  /** Payment rows are never changed once written, so reading one needs neither lock nor transaction. */
  private async knownPayment(orderId: string, tradeNo: string): Promise<Recorded | null> {
    const known = await this.payments.findByTradeNo(tradeNo);
    if (!known) return null;
    if (known.orderId !== orderId) throw new TradeNoConflict(tradeNo, orderId, known.orderId);
    return { payment: known, duplicate: true };
  }
}
