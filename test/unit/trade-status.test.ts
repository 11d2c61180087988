import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MessageKind, meaningOfNotify, wrongChannel } from '../../src/domain/trade-status.ts';

const none = { refundFee: '', gmtRefund: '' };
const pageReturn: MessageKind = { method: 'alipay.trade.page.pay.return', notifyType: '', tradeStatus: '', ...none };
const notify: MessageKind = { method: '', notifyType: 'trade_status_sync', tradeStatus: 'TRADE_SUCCESS', ...none };

describe('meaningOfNotify', () => {
  it('reads only TRADE_SUCCESS and TRADE_FINISHED as paid', () => {
    assert.equal(meaningOfNotify({ tradeStatus: 'TRADE_SUCCESS', ...none }), 'paid');
    assert.equal(meaningOfNotify({ tradeStatus: 'TRADE_FINISHED', ...none }), 'paid');
    for (const tradeStatus of ['WAIT_BUYER_PAY', 'TRADE_CLOSED', '', 'trade_success', 'TRADE_SUCCESS ']) {
      assert.equal(meaningOfNotify({ tradeStatus, ...none }), 'not-paid', tradeStatus);
    }
  });

  it('reads any notify with refund_fee or gmt_refund as a refund', () => {
    for (const tradeStatus of ['TRADE_SUCCESS', 'TRADE_FINISHED', 'TRADE_CLOSED']) {
      assert.equal(meaningOfNotify({ tradeStatus, refundFee: '1.00', gmtRefund: '' }), 'refund');
      assert.equal(meaningOfNotify({ tradeStatus, refundFee: '', gmtRefund: '2026-11-27 10:00:00' }), 'refund');
    }
  });
});

describe('wrongChannel', () => {
  it('takes a page-pay or a wap-pay return on the return channel, with or without a paid trade_status', () => {
    for (const method of ['alipay.trade.page.pay.return', 'alipay.trade.wap.pay.return']) {
      assert.equal(wrongChannel('return', { ...pageReturn, method }), null, method);
      assert.equal(wrongChannel('return', { ...pageReturn, method, tradeStatus: 'TRADE_SUCCESS' }), null, method);
      assert.equal(wrongChannel('return', { ...pageReturn, method, tradeStatus: 'TRADE_FINISHED' }), null, method);
    }
  });

  it('refuses on the return channel anything that is not a pay return reporting a payment', () => {
    const wapReturn = { ...pageReturn, method: 'alipay.trade.wap.pay.return' };
    const refused: MessageKind[] = [
      { ...pageReturn, method: '' },
      { ...pageReturn, method: 'alipay.trade.page.pay' },
      { ...pageReturn, method: 'alipay.trade.wap.pay' },
      { ...pageReturn, method: 'alipay.trade.app.pay.return' },
      { ...pageReturn, method: 'alipay.trade.wap.pay.return ' },
      { ...wapReturn, notifyType: 'trade_status_sync' },
      { ...wapReturn, refundFee: '1.00' },
      { ...wapReturn, tradeStatus: 'TRADE_CLOSED' },
      { ...notify, tradeStatus: 'TRADE_CLOSED' },
      { ...notify, tradeStatus: 'WAIT_BUYER_PAY' },
      { ...notify },
      { ...pageReturn, notifyType: 'trade_status_sync' },
      { ...pageReturn, refundFee: '1.00' },
      { ...pageReturn, gmtRefund: '2026-11-27 10:00:00' },
      { ...pageReturn, tradeStatus: 'TRADE_CLOSED' },
      { ...pageReturn, tradeStatus: 'WAIT_BUYER_PAY' },
    ];
    for (const kind of refused) assert.notEqual(wrongChannel('return', kind), null, JSON.stringify(kind));
  });

  it('takes only trade status notifies on the notify channel, whatever their status', () => {
    for (const tradeStatus of ['TRADE_SUCCESS', 'TRADE_CLOSED', 'WAIT_BUYER_PAY'])
      assert.equal(wrongChannel('notify', { ...notify, tradeStatus }), null);
    assert.match(wrongChannel('notify', pageReturn)!, /notify_type "" is not trade_status_sync/);
    assert.notEqual(wrongChannel('notify', { ...notify, notifyType: 'trade_status_sync ' }), null);
  });
});
