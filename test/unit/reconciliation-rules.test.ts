import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRefund, compareTrade, DISCREPANCY_KINDS, isDiscrepancy, lateFrom } from '../../src/domain/reconciliation.ts';

describe('the reconciliation rules of the domain', () => {
  it('compares a billed amount with ours; a payment without an amount (Meiduo’s own) cannot disagree', () => {
    assert.equal(compareTrade(1200, { orderId: 'A', amountFen: 1200 }), 'matched');
    assert.equal(compareTrade(1200, { orderId: 'A', amountFen: 1000 }), 'amount_mismatch');
    assert.equal(compareTrade(-1, { orderId: 'A', amountFen: null }), 'matched');
  });

  it('compares a 退款 row (negative, as Alipay bills refunds) with the refund its 退款批次号 names', () => {
    assert.equal(compareRefund(-880, { amountFen: 880, status: 'refunded' }), 'refund_matched');
    assert.equal(compareRefund(-880, { amountFen: 800, status: 'refunded' }), 'refund_amount_mismatch');
    assert.equal(compareRefund(-880, null), 'refund_unknown');
  });

  it('calls a 退款 row of a refund we hold as refused or still pending a status mismatch, before any amount mismatch', () => {
    for (const status of ['refused', 'pending'] as const) {
      assert.equal(compareRefund(-880, { amountFen: 880, status }), 'refund_status_mismatch', status);
      assert.equal(compareRefund(-880, { amountFen: 800, status }), 'refund_status_mismatch', `${status}, another amount`);
    }
  });

  it('has someone look into every refund that disagrees, and into none that matched or only stands for the record', () => {
    assert.deepEqual(
      ['refund_matched', 'refund_amount_mismatch', 'refund_status_mismatch', 'refund_unknown', 'refund_missing_in_bill', 'refund'].map(
        (kind) => isDiscrepancy(kind as never),
      ),
      [false, true, true, true, true, false],
    );
    for (const kind of DISCREPANCY_KINDS) assert.ok(kind.length <= 32, `${kind} fits tb_reconciliation_item.kind`);
  });

  it('counts the last ten minutes of a day as late: those payments may be on the next day’s bill', () => {
    const midnight = new Date('2026-11-30T16:00:00Z');
    assert.deepEqual(lateFrom(midnight), new Date('2026-11-30T15:50:00Z'));
  });
});
