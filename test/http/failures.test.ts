import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { appForSuite } from '../support/test-app.ts';

const alipay = createTestAlipay();

describe('when the database is unreachable', () => {
  // Nothing listens on port 1: connections are refused at once.
  const unreachable = { open: async () => openDatabase({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' }) };
  const suite = appForSuite(unreachable, { alipayPublicKeyPem: alipay.publicKeyPem });

  it('answers an authentic return with 503 and a page asking to refresh later', async () => {
    const response = await suite.app.get(`/payment/status/?${alipay.signedQuery(returnParams(newOrderId(), '1.00'))}`);
    assert.equal(response.status, 503);
    assert.match(response.body, /请稍后刷新/);
    assert.equal(response.headers.get('retry-after'), '5');
  });

  it('still answers a forged return with 403, before touching the database', async () => {
    const response = await suite.app.get(`/payment/status/?${new URLSearchParams(returnParams(newOrderId(), '1.00'))}`);
    assert.equal(response.status, 403);
  });

  it('answers an authentic notify with failure and 503, so that Alipay retries', async () => {
    const response = await suite.app.post('/payment/notify/', alipay.signedQuery(notifyParams(newOrderId(), '1.00', 'TRADE_SUCCESS')));
    assert.equal(response.status, 503);
    assert.equal(response.body, 'failure');
  });

  it('answers /healthz with 503', async () => {
    const response = await suite.app.get('/healthz');
    assert.equal(response.status, 503);
    assert.deepEqual(JSON.parse(response.body), { status: 'unavailable', database: 'down' });
  });
});

describe('when something unexpected fails', () => {
  // Never migrated: every query fails with "relation does not exist".
  const unmigrated = { open: async () => openDatabase({ kind: 'pglite', dataDir: null }) };
  const suite = appForSuite(unmigrated, { alipayPublicKeyPem: alipay.publicKeyPem });

  it('answers 500 with a generic page that shows no stack and no SQL', async () => {
    const response = await suite.app.get(`/payment/status/?${alipay.signedQuery(returnParams(newOrderId(), '1.00'))}`);
    assert.equal(response.status, 500);
    assert.match(response.body, /系统错误/);
    for (const leak of [/tb_order_info/i, /select/i, /relation/i, /\.ts:\d+/, /at \w+ \(/, /Error/]) {
      assert.doesNotMatch(response.body, leak);
    }
  });
});
