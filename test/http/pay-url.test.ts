import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { APP_ID, createTestAlipay, newOrderId } from '../support/alipay-signer.ts';
import { appKeys, memoryAppForSuite, TEST_GATEWAY } from '../support/test-app.ts';

const paramsOf = (payUrl: string): Record<string, string> => Object.fromEntries(new URL(payUrl).searchParams);
/** A Beijing `yyyy-MM-dd HH:mm:ss` thirty minutes on: ALIPAY_PAY_TIMEOUT's default. */
const thirtyMinutesAfter = (timestamp: string) =>
  new Date(Date.parse(`${timestamp.replace(' ', 'T')}+08:00`) + 30 * 60_000 + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
/** Checked independently: node:crypto, and the request rule that keeps sign_type in the content. */
const verifiesAsOurs = (params: Record<string, string>) => {
  const content = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return verify('sha256', Buffer.from(content), appKeys.publicKey, Buffer.from(params.sign!, 'base64'));
};

describe('GET /payment/:order_id/', () => {
  const suite = memoryAppForSuite({ alipayPublicKeyPem: createTestAlipay().publicKeyPem });

  it('answers an UNPAID Alipay order with a page-pay URL signed by our app key', async () => {
    const orderId = newOrderId();
    suite.tables.seedOrder(orderId, '3798.00');
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
          time_expire: thirtyMinutesAfter(params.timestamp!),
        }),
      },
    );
    assert.match(params.timestamp!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.ok(verifiesAsOurs(params));
  });

  const IPHONE =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
  const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
  const payUrlFor = async (orderId: string, userAgent: string, query = '') => {
    const response = await fetch(`${suite.app.url}/payment/${orderId}/${query}`, { headers: { 'User-Agent': userAgent } });
    const answer = await response.json();
    return {
      status: response.status,
      vary: response.headers.get('vary'),
      answer,
      params: answer.alipay_url && paramsOf(answer.alipay_url),
    };
  };

  it("gives a phone wap pay (QUICK_WAP_WAY, 返回 to the shop's orders), signed alike, in the same JSON shape", async () => {
    const orderId = newOrderId();
    suite.tables.seedOrder(orderId, '88.80');
    const { status, vary, answer, params } = await payUrlFor(orderId, IPHONE);
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(answer), ['code', 'errmsg', 'alipay_url']);
    assert.match(vary ?? '', /User-Agent/);
    assert.equal(params.method, 'alipay.trade.wap.pay');
    assert.deepEqual(JSON.parse(params.biz_content!), {
      out_trade_no: orderId,
      total_amount: '88.80',
      subject: `美多商城${orderId}`,
      product_code: 'QUICK_WAP_WAY',
      time_expire: thirtyMinutesAfter(params.timestamp!),
      quit_url: 'https://www.meiduo.example/user_center_order.html',
    });
    assert.ok(verifiesAsOurs(params));
  });

  it('takes ?channel=wap|page over the User-Agent, and refuses any other channel with 400 in the same shape', async () => {
    const orderId = newOrderId();
    suite.tables.seedOrder(orderId, '88.80');
    assert.equal((await payUrlFor(orderId, DESKTOP)).params.method, 'alipay.trade.page.pay');
    assert.equal((await payUrlFor(orderId, DESKTOP, '?channel=wap')).params.method, 'alipay.trade.wap.pay');
    assert.equal((await payUrlFor(orderId, IPHONE, '?channel=page')).params.method, 'alipay.trade.page.pay');
    for (const query of ['?channel=app', '?channel=', '?channel=wap&channel=page']) {
      const { status, answer } = await payUrlFor(orderId, IPHONE, query);
      assert.equal(status, 400, query);
      assert.deepEqual(Object.keys(answer), ['code', 'errmsg'], query);
      assert.equal(answer.code, '400');
      assert.match(answer.errmsg, /channel 只能是 wap（手机网站支付）或 page（电脑网站支付）/);
    }
  });

  const refused: Array<[string, () => Promise<string>]> = [
    ['an unknown order', async () => newOrderId()],
    [
      'a paid order',
      async () => {
        const id = newOrderId();
        suite.tables.seedOrder(id, '1.00', OrderStatus.UNCOMMENT);
        return id;
      },
    ],
    [
      'a cancelled order',
      async () => {
        const id = newOrderId();
        suite.tables.seedOrder(id, '1.00', OrderStatus.CANCELED);
        return id;
      },
    ],
    [
      'a cash-on-delivery order',
      async () => {
        const id = newOrderId();
        suite.tables.seedOrder(id, '1.00', OrderStatus.UNPAID, PayMethod.CASH);
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
    suite.tables.seedOrder(first, '3798.00');
    suite.tables.seedOrder(second, '3798.00');
    const urlOf = async (orderId: string) => JSON.parse((await suite.app.get(`/payment/${orderId}/`)).body).alipay_url as string;
    const url = await urlOf(first);
    assert.equal(await urlOf(first), url);
    assert.notEqual(await urlOf(second), url);
  });

  it('answers 429 with Retry-After once one address asks for more than 60 URLs a minute, and serves returns meanwhile', async () => {
    const orderId = newOrderId();
    suite.tables.seedOrder(orderId, '3798.00');
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

describe('GET /payment/:order_id/ for an app configured RSA (ALIPAY_SIGN_TYPE=RSA)', () => {
  const suite = memoryAppForSuite({ alipayPublicKeyPem: createTestAlipay().publicKeyPem, signType: 'RSA' });

  it('signs the pay URL SHA1withRSA and says sign_type=RSA', async () => {
    const orderId = newOrderId();
    suite.tables.seedOrder(orderId, '1.00');
    const params = paramsOf(JSON.parse((await suite.app.get(`/payment/${orderId}/`)).body).alipay_url);
    assert.equal(params.sign_type, 'RSA');
    const content = Object.keys(params)
      .filter((k) => k !== 'sign')
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    assert.ok(verify('sha1', Buffer.from(content), appKeys.publicKey, Buffer.from(params.sign!, 'base64')));
  });
});
