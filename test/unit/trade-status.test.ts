import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meaningOfNotify } from '../../src/domain/trade-status.ts';

const none = { refundFee: '', gmtRefund: '' };

describe('meaningOfNotify', () => {
  it('reads only TRADE_SUCCESS and TRADE_FINISHED as paid', () => {
    assert.equal(meaningOfNotify('TRADE_SUCCESS', none), 'paid');
    assert.equal(meaningOfNotify('TRADE_FINISHED', none), 'paid');
    for (const status of ['WAIT_BUYER_PAY', 'TRADE_CLOSED', '', 'trade_success', 'TRADE_SUCCESS ']) {
      assert.equal(meaningOfNotify(status, none), 'not-paid', status);
    }
  });

  it('reads any notify with refund_fee or gmt_refund as a refund', () => {
    for (const status of ['TRADE_SUCCESS', 'TRADE_FINISHED', 'TRADE_CLOSED']) {
      assert.equal(meaningOfNotify(status, { refundFee: '1.00', gmtRefund: '' }), 'refund');
      assert.equal(meaningOfNotify(status, { refundFee: '', gmtRefund: '2026-11-27 10:00:00' }), 'refund');
    }
  });
});
