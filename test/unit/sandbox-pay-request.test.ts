import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { readPayRequest } from '../../src/sandbox/pay-request.ts';

const APP_ID = '2021000000000001';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A merchant request as our pay gateway signs it: every parameter but sign, sorted, joined, RSA2 (node:crypto). */
function signedQuery(params: Record<string, string>): string {
  const content = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  const signature = sign('sha256', Buffer.from(content), privateKey).toString('base64');
  return new URLSearchParams({ ...params, sign: signature }).toString();
}

const request = (method: string) =>
  signedQuery({
    app_id: APP_ID,
    method,
    sign_type: 'RSA2',
    charset: 'utf-8',
    timestamp: '2026-11-26 15:30:00',
    return_url: 'https://shop.example/payment/status/',
    biz_content: JSON.stringify({ out_trade_no: '20261126153000000000001', total_amount: '88.80', subject: '美多商城' }),
  });

describe("the sandbox's reading of a pay request", () => {
  it('takes page pay and wap pay, each to its cashier', () => {
    assert.equal((readPayRequest(publicKey, APP_ID, request('alipay.trade.page.pay')) as { channel: string }).channel, 'page');
    assert.equal((readPayRequest(publicKey, APP_ID, request('alipay.trade.wap.pay')) as { channel: string }).channel, 'wap');
  });

  it('refuses any other method, a name Object.prototype holds included', () => {
    for (const method of ['alipay.trade.query', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])
      assert.match(String(readPayRequest(publicKey, APP_ID, request(method))), /^invalid-method /, method);
  });
});
