/** A payment we recorded, as reconciliation compares it with the bill. amountFen null: Meiduo's own row. */
export interface RecordedPayment {
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amountFen: number | null;
  readonly recordedAt: Date;
}

/** What reconciliation reads of our side: payments and orders, in batches. */
export interface LocalPayments {
  /** The recorded payments among these trade_nos, by trade_no. */
  byTradeNos(tradeNos: readonly string[]): Promise<Map<string, RecordedPayment>>;
  /** Payments recorded from `from` (inclusive) to `until` (exclusive). */
  recordedBetween(from: Date, until: Date): Promise<RecordedPayment[]>;
  /** Which of these order ids are in tb_order_info. */
  existingOrders(orderIds: readonly string[]): Promise<Set<string>>;
}
