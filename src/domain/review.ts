import { DomainError } from './errors.ts';

/** What staff did about a payment kept for review (refunded it on Alipay, re-opened the order, …), by whom and when. */
export interface ReviewResolution {
  readonly by: string;
  readonly at: Date;
  readonly note: string;
}

/** Where a payment stands with staff: applied ones never were under review. */
export type ReviewState = 'applied' | 'pending' | 'resolved';

export const REVIEW_NOTE_MAX = 500;

/** Only a payment still waiting for staff can be marked handled, and only once. */
export class ReviewNotPending extends DomainError {
  readonly code = 'REVIEW_NOT_PENDING';
  constructor(
    readonly tradeNo: string,
    readonly state: ReviewState | 'unknown',
  ) {
    super(`payment ${tradeNo} is not waiting for review (${state})`);
  }
}

/** A resolution says what was done: an empty or oversized note is refused, not truncated. */
export class InvalidReviewNote extends DomainError {
  readonly code = 'INVALID_REVIEW_NOTE';
}

/**
 * Marks a pending review handled. The note is kept as written (trimmed): it is the record of what
 * happened to the money. @throws ReviewNotPending | InvalidReviewNote
 */
export function resolveReview(
  payment: { readonly tradeNo: string; readonly state: ReviewState | 'unknown' },
  { by, at, note }: { readonly by: string; readonly at: Date; readonly note: string },
): ReviewResolution {
  if (payment.state !== 'pending') throw new ReviewNotPending(payment.tradeNo, payment.state);
  return { by, at, note: resolutionNote(note) };
}

/**
 * The note of any resolution staff write (a review's, a reconciliation discrepancy's), trimmed.
 * @throws InvalidReviewNote when it is empty, too long or holds a NUL
 */
export function resolutionNote(note: string): string {
  const text = note.trim();
  if (text === '') throw new InvalidReviewNote('a resolution needs a note saying what was done');
  // A note is text someone typed: a NUL in it is an attack or a broken client, never a word.
  if (text.includes('\u0000')) throw new InvalidReviewNote('a resolution note cannot hold a NUL character');
  if ([...text].length > REVIEW_NOTE_MAX) throw new InvalidReviewNote(`a resolution note is at most ${REVIEW_NOTE_MAX} characters`);
  return text;
}
