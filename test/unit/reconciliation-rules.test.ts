import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTrade, lateFrom } from '../../src/domain/reconciliation.ts';

describe('the reconciliation rules of the domain', () => {
  it('compares a billed amount with ours; a payment without an amount (Meiduo’s own) cannot disagree', () => {
    assert.equal(compareTrade(1200, { orderId: 'A', amountFen: 1200 }), 'matched');
    assert.equal(compareTrade(1200, { orderId: 'A', amountFen: 1000 }), 'amount_mismatch');
    assert.equal(compareTrade(-1, { orderId: 'A', amountFen: null }), 'matched');
  });

  it('counts the last ten minutes of a day as late: those payments may be on the next day’s bill', () => {
    const midnight = new Date('2026-11-30T16:00:00Z');
    assert.deepEqual(lateFrom(midnight), new Date('2026-11-30T15:50:00Z'));
  });
});
