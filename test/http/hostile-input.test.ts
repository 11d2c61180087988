import { Buffer } from 'node:buffer';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { pglite } from '../support/databases.ts';
import { appForSuite, seedOrder } from '../support/test-app.ts';

const alipay = createTestAlipay();
const PATHS = ['/payment/status/', '/payment/notify/', '/payment/20261126000000000000001/', '/payment/%00/', '/payment/..%2F..%2Fetc%2Fpasswd/', '//payment//status//', '/admin/payments', '/admin/payments.csv', '/sandbox/gateway.do', '/healthz', '/%ff%fe', '/payment/status/..', '/assets/..%2Fsite.css', '/assets/site.css'];
const NASTY = ['%', '%2', '%zz', '%00', '%ff', '+', '&&', '==', '__proto__', 'constructor', 'prototype', 'a[]', 'a[b]', 'sign', 'sign_type', 'charset', 'gbk', 'RSA', '\u0000', '美多', '<script>', "' or 1=1 --", '${7*7}', '#{7*7}'];
const nasty = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9+/=]{0,400}$/));
const query = fc.array(fc.tuple(nasty, nasty), { maxLength: 12 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponentLoosely(k)}=${encodeURIComponentLoosely(v)}`).join('&'));
const CONTENT_TYPES = ['application/x-www-form-urlencoded; text/html; charset=UTF-8', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', '', 'application/x-www-form-urlencoded; charset=gbk'];

/** Leaves some characters raw, so that broken escapes and stray % reach the server as they are. */
function encodeURIComponentLoosely(text: string): string {
  return text.replace(/[^A-Za-z0-9%+=\-_.~[\]<>'$#{}*!]/g, (c) => encodeURIComponent(c));
}

describe('2,000 hostile requests', () => {
  const suite = appForSuite(pglite, { alipayPublicKeyPem: alipay.publicKeyPem });

  it('get no 5xx, whatever the path, method, query, body or content type', async () => {
    const orderId = newOrderId();
    await seedOrder(suite.db.knex, orderId, '88.80');
    const requests = fc.sample(fc.record({
      path: fc.constantFrom(...PATHS), method: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS'), query,
      body: fc.oneof(query, fc.constant(alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS'))), fc.string({ maxLength: 2000 })),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      tamper: fc.constantFrom('none', 'signed-return', 'overlong'),
    }), 1_600);
    const failures: string[] = [];
    for (let i = 0; i < requests.length; i += 16) {
      await Promise.all(requests.slice(i, i + 16).map(async ({ path, method, query: q, body, contentType, tamper }) => {
        let target = `${path}?${q}`;
        if (tamper === 'signed-return') target = `/payment/status/?${alipay.signedQuery({ ...returnParams(orderId, '88.80'), [q.slice(0, 8) || 'x']: q.slice(8, 60) })}&${q}`;
        if (tamper === 'overlong') target = `${path}?x=${'A'.repeat(15_000)}`;
        const init: RequestInit = { method, headers: contentType ? { 'Content-Type': contentType } : {} };
        if (method === 'POST' || method === 'PUT') init.body = body;
        const response = await fetch(suite.app.url + target, init).catch((error: Error) => ({ status: 0, text: async () => error.message }));
        if (response.status >= 500 || response.status === 0) failures.push(`${method} ${target.slice(0, 120)} -> ${response.status} ${(await response.text()).slice(0, 80)}`);
      }));
    }
    assert.deepEqual(failures, []);
  });

  it('get no 5xx from 400 raw requests with arbitrary bytes in the request line, and the server stays healthy', async () => {
    const port = Number(new URL(suite.app.url).port);
    const lines = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), 400);
    const statuses = await Promise.all(lines.map((bytes) => new Promise<number>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let reply = '';
      socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)));
      socket.on('error', () => resolve(0));
      socket.write(Buffer.concat([Buffer.from('GET /payment/status/?'), Buffer.from(bytes), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
      socket.setTimeout(5_000, () => socket.destroy());
    })));
    assert.deepEqual(statuses.filter((status) => status >= 500), []);
    assert.ok(statuses.some((status) => status === 403), 'some reached the route and were refused');
    assert.equal((await suite.app.get('/healthz')).status, 200);
    const orderId = newOrderId();
    await seedOrder(suite.db.knex, orderId, '3798.00');
    assert.equal((await suite.app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '3798.00'))}`)).status, 200);
  });
});
