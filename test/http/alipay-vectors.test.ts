import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { ForgeSignatureVerifier } from '../../src/infrastructure/alipay/forge-signature-verifier.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { MemoryTables, type RunningApp, startTestApp } from '../support/test-app.ts';

// Messages signed by a published test key, with the outcome each must have (test/fixtures/alipay-vectors).
const dir = new URL('../fixtures/alipay-vectors/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8').trim();
const manifest = JSON.parse(read('MANIFEST.json')) as { orders: Array<{ order_id: string; total_amount: string }> };
const publicKeyPem = read('alipay_public_key.pem');
const [FIRST] = manifest.orders.map((o) => o.order_id);

const RETURNS: Record<string, { rsa2: number; rsa?: number }> = {
  'return-valid': { rsa2: 200 },
  'return-tampered-amount': { rsa2: 403 },
  'return-wrong-key': { rsa2: 403 },
  'return-rsa-sha1': { rsa2: 403, rsa: 200 },
  'return-sha1-claiming-rsa2': { rsa2: 403, rsa: 403 },
  'return-empty-param': { rsa2: 200 },
  'return-plus-in-value': { rsa2: 200 },
  'return-duplicate-key': { rsa2: 403 },
  'return-missing-sign': { rsa2: 403 },
  'return-garbage-sign': { rsa2: 403 },
  'return-cert-sn-unsigned': { rsa2: 200 },
  'return-other-app': { rsa2: 403 },
  'return-other-seller': { rsa2: 403 },
};

describe('the shared Alipay vectors, through the real app over in-memory stores', () => {
  const tables = new MemoryTables();
  const apps: Record<'RSA2' | 'RSA', RunningApp | undefined> = { RSA2: undefined, RSA: undefined };
  before(async () => {
    for (const signType of ['RSA2', 'RSA'] as const)
      apps[signType] = await startTestApp({ memory: tables.store, alipayPublicKeyPem: publicKeyPem, signType });
  });
  after(async () => {
    await apps.RSA2?.close();
    await apps.RSA?.close();
  });
  beforeEach(() => {
    tables.empty();
    for (const order of manifest.orders) tables.seedOrder(order.order_id, order.total_amount);
  });

  for (const [name, expected] of Object.entries(RETURNS)) {
    for (const signType of ['RSA2', 'RSA'] as const) {
      const status = signType === 'RSA2' ? expected.rsa2 : expected.rsa;
      if (status === undefined) continue;
      it(`${name} under ${signType}: ${status}`, async () => {
        const response = await apps[signType]!.get(`/payment/status/?${read(`${name}.txt`)}`);
        assert.equal(response.status, status);
        const paid = status === 200;
        assert.equal(tables.payments(FIRST!).length, paid ? 1 : 0);
        assert.equal(tables.orderStatus(FIRST!), paid ? OrderStatus.UNCOMMENT : OrderStatus.UNPAID);
        if (paid) assert.match(response.body, /2026112622001400000000000001/);
      });
    }
  }

  const SECOND = manifest.orders[1]!.order_id;
  for (const [name, paid] of [
    ['notify-utf8', true],
    ['notify-gbk', true],
    ['notify-closed', false],
    ['notify-wait', false],
  ] as const) {
    it(`${name} through POST /payment/notify/: success, ${paid ? 'order paid' : 'nothing written'}`, async () => {
      const response = await apps.RSA2!.post('/payment/notify/', read(`${name}.txt`));
      assert.equal(response.body, 'success');
      assert.equal(tables.payments(SECOND).length, paid ? 1 : 0);
      assert.equal(tables.orderStatus(SECOND), paid ? OrderStatus.UNCOMMENT : OrderStatus.UNPAID);
    });
  }

  it('return-plus-in-value decodes passback_params to "a+b c%d" exactly once', () => {
    const callback = new FormCallbackParser().parse(new TextEncoder().encode(read('return-plus-in-value.txt')));
    assert.equal(callback.fields.get('passback_params'), 'a+b c%d');
  });
});

describe('the shared notify vectors, through the parser and the forge verifier', () => {
  const parser = new FormCallbackParser();
  const verifier = new ForgeSignatureVerifier(parseAlipayPublicKey(publicKeyPem), 'RSA2');
  const verifies = (name: string) => {
    const callback = parser.parse(new TextEncoder().encode(read(`${name}.txt`)));
    return { callback, ok: callback.signedContents.some((content) => verifier.verify(content, callback.sign)) };
  };

  for (const name of ['notify-utf8', 'notify-gbk', 'notify-closed', 'notify-wait']) {
    it(`${name} verifies`, () => assert.equal(verifies(name).ok, true));
  }

  it('notify-gbk is signed over GBK bytes and its subject decodes to Chinese', () => {
    assert.equal(verifies('notify-gbk').callback.fields.get('subject'), '美多商城订单 20261126153000000000002');
  });

  it('notify-utf8 keeps the JSON of fund_bill_list byte for byte', () => {
    assert.equal(verifies('notify-utf8').callback.fields.get('fund_bill_list'), '[{"amount":"88.80","fundChannel":"ALIPAYACCOUNT"}]');
  });

  it('the same key given as bare base64 and as PKCS#1 verifies the valid return', () => {
    const callback = parser.parse(new TextEncoder().encode(read('return-valid.txt')));
    for (const file of ['alipay_public_key.txt', 'alipay_public_key.pkcs1.pem']) {
      const other = new ForgeSignatureVerifier(parseAlipayPublicKey(read(file)), 'RSA2');
      assert.equal(
        callback.signedContents.some((c) => other.verify(c, callback.sign)),
        true,
        file,
      );
    }
    const wrong = new ForgeSignatureVerifier(parseAlipayPublicKey(read('other_public_key.pem')), 'RSA2');
    assert.equal(
      callback.signedContents.some((c) => wrong.verify(c, callback.sign)),
      false,
    );
  });
});
