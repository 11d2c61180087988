import type { PaymentSource } from '../../domain/payment.ts';
import type { Page, PageRequest } from './paging.ts';

export type RejectionReason = 'MALFORMED_CALLBACK' | 'INVALID_SIGNATURE' | 'NOT_OUR_MERCHANT' | 'WRONG_CHANNEL' | 'ORDER_NOT_FOUND';

/** A return or notify we refused, as evidence for staff. */
export interface Rejection {
  readonly at: Date;
  readonly channel: PaymentSource;
  readonly reason: RejectionReason;
  readonly detail: string;
  readonly remoteAddress: string;
  readonly outTradeNo: string | null;
  readonly tradeNo: string | null;
  /** A truncated copy of the parameters, without sign. */
  readonly params: string;
}

export interface RejectionRecord extends Rejection {
  readonly id: string;
}

export interface RejectionLog {
  /**
   * Keeps the rejection, overwriting the oldest once the configured count is reached and dropping
   * those past the retention age. Best effort: never throws, so that it cannot change a reply.
   */
  record(rejection: Rejection): Promise<void>;
  /** Newest first; `q` is a prefix of out_trade_no or trade_no. */
  page(filter: { readonly q?: string }, request: PageRequest): Promise<Page<RejectionRecord>>;
}
