import type { AlipayMessage } from './alipay-message.ts';

export interface TradeQuery {
  /**
   * Asks Alipay (alipay.trade.query) about the trade of one order, by out_trade_no. The answer comes
   * back as received, for the use case to verify like any other Alipay message.
   * @throws TradeQueryFailed when there is no signed answer to verify: a timeout, an HTTP error, a
   *   body that is not Alipay's JSON, or an unsigned answer
   */
  ask(orderId: string): Promise<AlipayMessage>;
}
