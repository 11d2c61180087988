import type { PaymentSource } from '../../domain/payment.ts';
import type { Page, PageRequest } from './paging.ts';
import type { SignatureDiagnosis } from './signature-doctor.ts';

/** Why a callback was refused; SIGNATURE_REPAIRED marks one accepted after a repair, kept so that the cause gets fixed. */
export type RejectionReason =
  | 'MALFORMED_CALLBACK'
  | 'INVALID_SIGNATURE'
  | 'NOT_OUR_MERCHANT'
  | 'WRONG_CHANNEL'
  | 'ORDER_NOT_FOUND'
  | 'SIGNATURE_REPAIRED';

/**
 * Refused before any signature verified: anyone can send these, as many as they like. The other
 * reasons come with a signature that verified (Alipay's own message, refused for what it says).
 */
export const UNVERIFIED_REASONS: ReadonlySet<RejectionReason> = new Set(['MALFORMED_CALLBACK', 'INVALID_SIGNATURE']);

/** The channels a callback can be refused on: an order query is ours to ask, never refused. */
export type RejectionChannel = Extract<PaymentSource, 'return' | 'notify'>;

/** What replaying a stored callback under the current configuration came to. */
export type ReplayOutcome = 'recovered' | 'still_refused';

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
  /** The query or body exactly as received, sign included, so that it can be replayed. At most 16 KB. */
  readonly raw: Uint8Array;
  /** What the signature doctor found, when the signature did not verify as received. */
  readonly diagnosis: SignatureDiagnosis | null;
}

export interface RejectionRecord extends Rejection {
  readonly id: string;
  /** The last replay of this callback, if any. */
  readonly replay: { readonly at: Date; readonly outcome: ReplayOutcome; readonly detail: string } | null;
  /** out_trade_no names one of our orders (a row of tb_order_info), not merely something shaped like one. */
  readonly orderKnown: boolean;
}

export interface RejectionFilter {
  /** out_trade_no or trade_no, by the one search rule (id-search.ts). */
  readonly q?: string;
  /** Inclusive lower and exclusive upper bound of the time the callback arrived. */
  readonly from?: Date;
  readonly until?: Date;
  readonly channel?: RejectionChannel;
  readonly reason?: RejectionReason;
}

export interface RejectionLog {
  /**
   * Keeps the rejection, overwriting the oldest once the configured count is reached and dropping
   * those past the retention age. Best effort: never throws, so that it cannot change a reply.
   */
  record(rejection: Rejection): Promise<void>;
  /** Newest first; none past the retention age. */
  page(filter: RejectionFilter, request: PageRequest): Promise<Page<RejectionRecord>>;
  /** Every matching row, newest first, fetched in batches: memory stays flat however many there are. */
  all(filter: RejectionFilter): AsyncIterable<RejectionRecord>;
  /**
   * Oldest first (by arrival, then id), at most 10,000, the refused callbacks a replay should examine:
   * every reason but SIGNATURE_REPAIRED, none already recovered, none past the retention age, none kept
   * before raw bytes were (empty raw); only those at or after `since`, past `after`, or only the one with
   * `id`. With `configuration`, none last examined under that same configuration and still refused,
   * unless it was refused for an order that now exists: nothing else could change what it comes to.
   */
  toReplay(filter: ReplayFilter): Promise<RejectionRecord[]>;
  /**
   * The newest `limit` rejections whose out_trade_no is exactly `outTradeNo` (no prefix, no
   * wildcards), oldest first; none past the retention age. `verified`: only those whose signature
   * verified (not UNVERIFIED_REASONS), or only those whose did not.
   */
  forOrder(outTradeNo: string, limit: number, verified?: boolean): Promise<RejectionRecord[]>;
  /** How many rejections name exactly `outTradeNo` whose signature did not verify (UNVERIFIED_REASONS). */
  countUnverifiedForOrder(outTradeNo: string): Promise<number>;
  /** Remembers what replaying `id` came to, and under which configuration. */
  markReplayed(id: string, replay: ReplayMark): Promise<void>;
}

export interface ReplayFilter {
  readonly since?: Date;
  /** The last callback a previous call returned: resume strictly past it. */
  readonly after?: { readonly at: Date; readonly id: string };
  readonly id?: string;
  readonly configuration?: string;
}

export interface ReplayMark {
  readonly at: Date;
  readonly outcome: ReplayOutcome;
  readonly detail: string;
  /** What the replay ran under (a fingerprint of the keys and ids that decide a callback). */
  readonly configuration?: string;
}
