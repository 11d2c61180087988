/** A signed OpenAPI answer as received: its fields and the exact bytes Alipay signed. */
export interface SignedAnswer {
  readonly raw: Uint8Array;
  /** The response object's fields, as text. */
  readonly fields: ReadonlyMap<string, string>;
  /** '' when the answer came unsigned. */
  readonly sign: string;
  readonly signedContents: readonly Uint8Array[];
}

export interface RefundCall {
  readonly orderId: string;
  readonly tradeNo: string;
  readonly outRequestNo: string;
  /** Yuan, two decimals. */
  readonly amount: string;
  readonly reason: string;
}

/** Alipay's refund calls. Each answer comes back as received, for the use case to verify. */
export interface RefundGateway {
  /** alipay.trade.refund. @throws RefundCallFailed when there is no answer (timeout, HTTP error, not Alipay's JSON) */
  refund(call: RefundCall): Promise<SignedAnswer>;
  /** alipay.trade.fastpay.refund.query. @throws RefundCallFailed likewise */
  ask(call: Pick<RefundCall, 'orderId' | 'tradeNo' | 'outRequestNo'>): Promise<SignedAnswer>;
}
