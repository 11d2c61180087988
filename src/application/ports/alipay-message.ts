import type { Money } from '../../domain/money.ts';
import type { MessageKind } from '../../domain/trade-status.ts';

/**
 * What one Alipay message says about one trade, whichever channel carried it: parsed once, by the
 * adapter that knows Alipay's formats. A field the message does not carry is null.
 */
export interface TradeReport {
  readonly outTradeNo: string | null;
  readonly tradeNo: string | null;
  readonly totalAmount: Money | null;
  readonly appId: string | null;
  readonly sellerId: string | null;
  readonly kind: MessageKind;
}

/** One signed Alipay message (a return, a notify or a query answer), parsed exactly once by its adapter. */
export interface AlipayMessage {
  /** The query, form body or JSON answer exactly as received. */
  readonly raw: Uint8Array;
  /**
   * Why the signed text could stand for other parameters (a value holding `&name=`), or null. Such a
   * message proves nothing and is refused, but only once the signature doctor has seen it: HTML
   * escaping can make an honest message look folded until it is undone.
   */
  readonly ambiguity: string | null;
  readonly report: TradeReport;
  /** Every parameter, decoded to text in the message's charset: evidence for the audit trail. */
  readonly fields: ReadonlyMap<string, string>;
  /** The base64 signature; '' when absent. */
  readonly sign: string;
  /** The sign_type the message claims, when it claims one. */
  readonly signType: string | undefined;
  /** The canonical bytes Alipay may have signed, in the order to try them. */
  readonly signedContents: readonly Uint8Array[];
}
