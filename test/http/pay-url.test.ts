import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { APP_ID, createTestAlipay, newOrderId } from '../support/alipay-signer.ts';
import { pglite } from '../support/databases.ts';
import { appForSuite, appKeys, seedOrder, TEST_GATEWAY } from '../support/test-app.ts';

describe('GET /payment/:order_id/', () => {
  const suite = appForSuite(pglite, { alipayPublicKeyPem: createTestAlipay().publicKeyPem });

  it('answers an UNPAID Alipay order with a page-pay URL signed by our app key', async () => {
    const orderId = newOrderId();
    await seedOrder(suite.db.knex, orderId, '3798.00');
    const response = await suite.app.get(`/payment/${orderId}/`);
    assert.equal(response.status, 200);
    const answer = JSON.parse(response.body);
    assert.deepEqual(Object.keys(answer), ['code', 'errmsg', 'alipay_url']);
    assert.equal(answer.code, '0');
    assert.equal(answer.errmsg, 'OK');

    const url = new URL(answer.alipay_url);
    assert.equal(`${url.origin}${url.pathname}`, TEST_GATEWAY);
    const params = Object.fromEntries(url.searchParams);
    assert.deepEqual(
      { ...params, sign: undefined, timestamp: undefined },
      {
        app_id: APP_ID,
        method: 'alipay.trade.page.pay',
        format: 'JSON',
        charset: 'utf-8',
        sign_type: 'RSA2',
        version: '1.0',
        return_url: `${suite.app.url}/payment/status/`,
        notify_url: `${suite.app.url}/payment/notify/`,
        sign: undefined,
        timestamp: undefined,
        biz_content: JSON.stringify({
          out_trade_no: orderId,
          total_amount: '3798.00',
          subject: `美多商城${orderId}`,
          product_code: 'FAST_INSTANT_TRADE_PAY',
        }),
      },
    );
    assert.match(params.timestamp!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // Checked independently: node:crypto, and the request rule that keeps sign_type in the content.
    const content = Object.keys(params)
      .filter((k) => k !== 'sign')
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    assert.ok(verify('sha256', Buffer.from(content), appKeys.publicKey, Buffer.from(params.sign!, 'base64')));
  });

  const refused: Array<[string, () => Promise<string>]> = [
    ['an unknown order', async () => newOrderId()],
    [
      'a paid order',
      async () => {
        const id = newOrderId();
        await seedOrder(suite.db.knex, id, '1.00', OrderStatus.UNCOMMENT);
        return id;
      },
    ],
    [
      'a cancelled order',
      async () => {
        const id = newOrderId();
        await seedOrder(suite.db.knex, id, '1.00', OrderStatus.CANCELED);
        return id;
      },
    ],
    [
      'a cash-on-delivery order',
      async () => {
        const id = newOrderId();
        await seedOrder(suite.db.knex, id, '1.00', OrderStatus.UNPAID, PayMethod.CASH);
        return id;
      },
    ],
    ['a hostile id', async () => encodeURIComponent('<script>alert(1)</script>')],
    ['an overlong id', async () => '1'.repeat(65)],
  ];
  for (const [name, orderId] of refused) {
    it(`answers ${name} with 400 and 订单信息错误`, async () => {
      const response = await suite.app.get(`/payment/${await orderId()}/`);
      assert.equal(response.status, 400);
      assert.deepEqual(JSON.parse(response.body), { code: '400', errmsg: '订单信息错误' });
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    });
  }

  it('hands out the same signed URL for an order for a while, and its own to each order', async () => {
    const [first, second] = [newOrderId(), newOrderId()];
    await seedOrder(suite.db.knex, first, '3798.00');
    await seedOrder(suite.db.knex, second, '3798.00');
    const urlOf = async (orderId: string) => JSON.parse((await suite.app.get(`/payment/${orderId}/`)).body).alipay_url as string;
    const url = await urlOf(first);
    assert.equal(await urlOf(first), url);
    assert.notEqual(await urlOf(second), url);
  });

  it('answers 429 with Retry-After once one address asks for more than 60 URLs a minute, and serves returns meanwhile', async () => {
    const orderId = newOrderId();
    await seedOrder(suite.db.knex, orderId, '3798.00');
    const statuses: number[] = [];
    let throttled: Awaited<ReturnType<typeof suite.app.get>> | undefined;
    for (let i = 0; i < 70; i++) {
      const response = await suite.app.get(`/payment/${orderId}/`);
      statuses.push(response.status);
      if (response.status === 429) throttled ??= response;
    }
    assert.ok(statuses.filter((status) => status !== 429).length <= 60, 'at most 60 answered');
    assert.equal(statuses.at(-1), 429);
    assert.deepEqual(JSON.parse(throttled!.body), { code: '429', errmsg: '请求过于频繁，请稍后再试' });
    assert.ok(Number(throttled!.headers.get('retry-after')) >= 1);
    assert.equal((await suite.app.get('/healthz')).status, 200);
  });
});
