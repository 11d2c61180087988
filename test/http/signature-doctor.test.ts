import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { type KeyObject, sign } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { databaseHarnesses } from '../support/databases.ts';
import { appForSuite, appKeys, orderStatus, paymentRows, seedOrder } from '../support/test-app.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();

/** Signs the V1 text of `params` with `key`, sign_type RSA2 claimed; an independent node:crypto signer. */
function signedWith(key: KeyObject, params: Record<string, string>, hash: 'sha256' | 'sha1' = 'sha256'): Record<string, string> {
  const content = Object.keys(params)
    .filter((k) => params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return { ...params, sign_type: 'RSA2', sign: sign(hash, Buffer.from(content, 'utf8'), key).toString('base64') };
}

for (const harness of databaseHarnesses) {
  describe(`the signature doctor over HTTP on ${harness.name}`, () => {
    const suite = appForSuite(harness, { alipayPublicKeyPem: alipay.publicKeyPem });
    let orderId: string;
    const evidence = async () =>
      suite.db.knex('tb_payment_rejection').where({ out_trade_no: orderId }).orderBy('seq').select('reason', 'diagnosis');

    beforeEach(async () => {
      orderId = newOrderId();
      await seedOrder(suite.db.knex, orderId, '88.80');
    });

    it('accepts a notify whose quotes a proxy HTML-escaped, records the payment, and keeps the diagnosis', async () => {
      // The escaped quotes make passback_params look like it hides `&name=`: the repair must come first.
      const message = signedWith(alipay.privateKey, {
        ...notifyParams(orderId, '88.80', 'TRADE_SUCCESS'),
        passback_params: '{"ref":"a=b"}',
      });
      const htmlEscaped = (text: string) => text.replaceAll('"', '&quot;');
      const damaged = new URLSearchParams({
        ...message,
        fund_bill_list: htmlEscaped(message.fund_bill_list!),
        passback_params: htmlEscaped(message.passback_params!),
      }).toString();
      const response = await suite.app.post('/payment/notify/', damaged);
      assert.deepEqual([response.status, response.body], [200, 'success']);
      assert.equal((await paymentRows(suite.db.knex, orderId)).length, 1);
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNCOMMENT);
      assert.deepEqual(await evidence(), [{ reason: 'SIGNATURE_REPAIRED', diagnosis: 'html_escaped' }]);
    });

    it("accepts a return whose sign lost its '+' to a second decoding", async () => {
      let message: Record<string, string>;
      let n = 0;
      do
        message = signedWith(alipay.privateKey, {
          ...returnParams(orderId, '88.80'),
          timestamp: `2026-11-26 15:30:${String(n++ % 60).padStart(2, '0')}`,
        });
      while (!message.sign!.includes('+'));
      const damaged = new URLSearchParams(message)
        .toString()
        .replace(/sign=[^&]*/, `sign=${message.sign!.replaceAll('/', '%2F').replaceAll('=', '%3D')}`);
      const response = await suite.app.get(`/payment/status/?${damaged}`);
      assert.equal(response.status, 200);
      assert.equal((await paymentRows(suite.db.knex, orderId)).length, 1);
      assert.deepEqual(await evidence(), [{ reason: 'SIGNATURE_REPAIRED', diagnosis: 'plus_became_space' }]);
    });

    for (const [diagnosis, key, hash] of [
      ['signed_by_app_key', appKeys.privateKey, 'sha256'],
      ['other_sign_type', alipay.privateKey, 'sha1'],
      ['unknown_key', stranger.privateKey, 'sha256'],
    ] as const) {
      it(`refuses a return that is ${diagnosis}, with 403, and keeps the diagnosis with the evidence`, async () => {
        const response = await suite.app.get(
          `/payment/status/?${new URLSearchParams(signedWith(key, returnParams(orderId, '88.80'), hash))}`,
        );
        assert.equal(response.status, 403);
        assert.deepEqual(await paymentRows(suite.db.knex, orderId), []);
        assert.deepEqual(await evidence(), [{ reason: 'INVALID_SIGNATURE', diagnosis }]);
      });
    }
  });
}
