import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidReviewNote, REVIEW_NOTE_MAX, ReviewNotPending, resolveReview } from '../../src/domain/review.ts';

const AT = new Date('2026-11-30T02:00:00Z');
const pending = { tradeNo: 'T1', state: 'pending' } as const;
const by = (note: string) => ({ by: 'admin', at: AT, note });

describe('marking a payment kept for review as handled', () => {
  it('keeps who, when and the note as written, trimmed', () => {
    assert.deepEqual(resolveReview(pending, by('  已在支付宝退款\n')), { by: 'admin', at: AT, note: '已在支付宝退款' });
  });

  it('takes only a payment still waiting, whatever the note', () => {
    for (const state of ['applied', 'resolved', 'unknown'] as const) {
      assert.throws(
        () => resolveReview({ tradeNo: 'T1', state }, by('x')),
        (error) => error instanceof ReviewNotPending && error.state === state,
      );
    }
  });

  it('needs a note that says something, of at most 500 characters (not UTF-16 units), without NUL', () => {
    for (const note of ['', ' \n\t ', '字'.repeat(REVIEW_NOTE_MAX + 1), '😀'.repeat(REVIEW_NOTE_MAX + 1), 'a\u0000b']) {
      assert.throws(() => resolveReview(pending, by(note)), InvalidReviewNote, JSON.stringify(note.slice(0, 8)));
    }
    assert.equal(resolveReview(pending, by('😀'.repeat(REVIEW_NOTE_MAX))).note.length, 2 * REVIEW_NOTE_MAX);
  });
});
