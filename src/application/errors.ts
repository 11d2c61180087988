import type { SignatureDiagnosis } from './ports/signature-doctor.ts';

/** A request or a dependency failed in a way we expect; `code` is mapped exhaustively at the edges. */
export abstract class ApplicationError extends Error {
  abstract readonly code: ApplicationErrorCode;
  override readonly name = this.constructor.name;
}

export type ApplicationErrorCode =
  | 'MALFORMED_CALLBACK'
  | 'INVALID_SIGNATURE'
  | 'NOT_OUR_MERCHANT'
  | 'WRONG_CHANNEL'
  | 'ORDER_CONTENDED'
  | 'STORE_UNAVAILABLE'
  | 'INVALID_QUERY'
  | 'TRADE_QUERY_FAILED'
  | 'BILL_UNREADABLE'
  | 'REFUND_CALL_FAILED'
  | 'REFUND_NOTIFY_EARLY';

/** Not a well-formed Alipay message: bad encoding, a repeated key, a missing or unusable field. */
export class MalformedCallback extends ApplicationError {
  readonly code = 'MALFORMED_CALLBACK';
}

/** Missing, garbage or wrong signature, or a sign_type other than the one we pinned. */
export class InvalidSignature extends ApplicationError {
  readonly code = 'INVALID_SIGNATURE';
  /** What the signature doctor found, when there was a signature to examine. */
  constructor(
    reason: string,
    readonly diagnosis: SignatureDiagnosis | null = null,
  ) {
    super(`invalid signature: ${reason}${diagnosis ? ` (${diagnosis})` : ''}`);
  }
}

/** Authentic Alipay message, but for another app or seller. */
export class NotOurMerchant extends ApplicationError {
  readonly code = 'NOT_OUR_MERCHANT';
  constructor(
    readonly field: 'app_id' | 'seller_id',
    readonly received: string,
  ) {
    super(`${field} ${JSON.stringify(received)} is not ours`);
  }
}

/** Authentic, but not the kind of message its channel takes: a notify replayed as a return, say. */
export class WrongChannel extends ApplicationError {
  readonly code = 'WRONG_CHANNEL';
  constructor(
    readonly channel: string,
    reason: string,
  ) {
    super(`not a ${channel}: ${reason}`);
  }
}

/**
 * The trade_no is already stored: the database's unique constraint said so. A signal from a
 * repository to the use case, which reads the stored row instead; it never leaves the use case.
 */
export class DuplicatePayment extends Error {
  override readonly name = 'DuplicatePayment';
  constructor(readonly tradeNo: string) {
    super(`trade ${tradeNo} is already recorded`);
  }
}

/** The order kept changing under a payment being recorded; nothing was written, and a retry will settle. */
export class OrderContended extends ApplicationError {
  readonly code = 'ORDER_CONTENDED';
  constructor(
    readonly orderId: string,
    readonly tradeNo: string,
  ) {
    super(`order ${orderId} kept changing while trade ${tradeNo} was recorded`);
  }
}

/** The database cannot be reached; nothing was written, and trying again later is right. */
export class StoreUnavailable extends ApplicationError {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('the database is unavailable', options);
  }
}

/**
 * What is wrong with a query parameter, for the page to explain in the staff's words: not a value it
 * takes, given more than once, or (for `to`) a date range that runs backwards.
 */
export type QueryProblem = 'invalid' | 'repeated' | 'reversed';

/** A filter or cursor of an admin listing is not one we can use: `parameter` names it, so that the page can say which. */
export class InvalidQuery extends ApplicationError {
  readonly code = 'INVALID_QUERY';
  constructor(
    readonly parameter: string,
    message: string,
    readonly problem: QueryProblem = 'invalid',
  ) {
    super(message);
  }
}

/** alipay.trade.query gave no answer we can verify: a timeout, an HTTP error, not Alipay's JSON, unsigned. */
export class TradeQueryFailed extends ApplicationError {
  readonly code = 'TRADE_QUERY_FAILED';
}

/**
 * Alipay's trade bill could not be had or read: no signed answer to rely on (`gateway`), a download that
 * failed (`download`), or a file that is not a trade bill (`file`). A bill not published yet is no error.
 */
export class BillUnreadable extends ApplicationError {
  readonly code = 'BILL_UNREADABLE';
  constructor(
    reason: string,
    readonly stage: 'gateway' | 'download' | 'file' = 'file',
  ) {
    super(reason);
  }
}

/** A refund call to Alipay got no answer to rely on (a timeout, an HTTP error, not Alipay's JSON): the outcome is unknown. */
export class RefundCallFailed extends ApplicationError {
  readonly code = 'REFUND_CALL_FAILED';
}

/**
 * A refund notify that names no refund of ours arrived while one of ours of the same trade is pending: what
 * it adds cannot be told yet. Answered as a failure, so that Alipay sends it again once ours is settled.
 */
export class RefundNotifyEarly extends ApplicationError {
  readonly code = 'REFUND_NOTIFY_EARLY';
  constructor(readonly tradeNo: string) {
    super(`a refund notify for trade ${tradeNo} came while a refund of ours of it is pending: Alipay will send it again`);
  }
}
