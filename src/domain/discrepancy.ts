import { DomainError } from './errors.ts';
import { type ReviewResolution, resolutionNote } from './review.ts';

/** What staff did about a reconciliation discrepancy, by whom and when: a review's resolution, by the same rules. */
export type DiscrepancyResolution = ReviewResolution;

/**
 * Where a discrepancy stands with staff. unknown: the day's latest run names no such discrepancy
 * (never did, or a re-run no longer found it).
 */
export type DiscrepancyState = 'pending' | 'resolved' | 'unknown';

/** Only a discrepancy the day's latest run names, still waiting, can be marked handled, and only once. */
export class DiscrepancyNotPending extends DomainError {
  readonly code = 'DISCREPANCY_NOT_PENDING';
  constructor(
    readonly target: string,
    readonly state: DiscrepancyState,
  ) {
    super(`discrepancy ${target} is not waiting to be handled (${state})`);
  }
}

/** Marks a discrepancy handled (已处理), its note kept as written. @throws DiscrepancyNotPending | InvalidReviewNote */
export function resolveDiscrepancy(
  discrepancy: { readonly target: string; readonly state: DiscrepancyState },
  { by, at, note }: { readonly by: string; readonly at: Date; readonly note: string },
): DiscrepancyResolution {
  if (discrepancy.state !== 'pending') throw new DiscrepancyNotPending(discrepancy.target, discrepancy.state);
  return { by, at, note: resolutionNote(note) };
}
