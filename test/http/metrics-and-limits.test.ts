import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { memoryAppForSuite } from '../support/test-app.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();

describe('/metrics and request limits', () => {
  const suite = memoryAppForSuite({ alipayPublicKeyPem: alipay.publicKeyPem });

  const metric = (body: string, line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(body)?.[1] ?? 0);

  it('counts confirmed, duplicate, ignored, needs-review and rejected callbacks, and times each route', async () => {
    const paid = newOrderId();
    const cancelled = newOrderId();
    suite.tables.seedOrder(paid, '88.80');
    suite.tables.seedOrder(cancelled, '88.80', OrderStatus.CANCELED);
    const query = alipay.signedQuery(returnParams(paid, '88.80'));
    await suite.app.get(`/payment/status/?${query}`);
    await suite.app.get(`/payment/status/?${query}`);
    await suite.app.get(`/payment/status/?${stranger.signedQuery(returnParams(paid, '88.80'))}`);
    await suite.app.get(`/payment/status/?${alipay.signedQuery(returnParams(cancelled, '88.80'))}`);
    await suite.app.post('/payment/notify/', alipay.signedQuery(notifyParams(paid, '88.80', 'WAIT_BUYER_PAY')));

    const response = await suite.app.get('/metrics');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const body = response.body;
    assert.equal(metric(body, 'meiduo_payment_callbacks_total{channel="return",outcome="recorded"}'), 1);
    assert.equal(metric(body, 'meiduo_payment_callbacks_total{channel="return",outcome="duplicate"}'), 1);
    assert.equal(metric(body, 'meiduo_payment_callbacks_total{channel="return",outcome="rejected"}'), 1);
    assert.equal(metric(body, 'meiduo_payment_callbacks_total{channel="return",outcome="needs_review"}'), 1);
    assert.equal(metric(body, 'meiduo_payment_callbacks_total{channel="notify",outcome="ignored"}'), 1);
    assert.equal(metric(body, 'meiduo_payment_rejections_total{channel="return",reason="INVALID_SIGNATURE"}'), 1);
    assert.ok(metric(body, 'meiduo_http_request_duration_seconds_count{method="GET",route="/payment/status/",status="200"}') >= 2);
  });

  it('answers a query over 16 KB with 414, and one under it as usual', async () => {
    assert.equal((await suite.app.get(`/payment/status/?x=${'A'.repeat(17 * 1024)}`)).status, 414);
    assert.equal((await suite.app.get(`/payment/status/?x=${'A'.repeat(15 * 1024)}`)).status, 403);
  });

  it('sends the security headers on every kind of response', async () => {
    for (const path of [
      '/payment/status/?a=1',
      '/healthz',
      '/nope',
      '/metrics',
      '/payment/1/',
      `/payment/status/?x=${'A'.repeat(17 * 1024)}`,
      '/assets/site.css',
    ]) {
      const { headers } = await suite.app.get(path);
      assert.equal(headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(headers.get('x-frame-options'), 'DENY', path);
      assert.equal(headers.get('referrer-policy'), 'no-referrer', path);
      assert.match(headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    }
  });
});
