import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isAdminPath, normalisesToAdmin } from '../../src/interfaces/http/admin/admin-gate.ts';
import { ADMIN_CSP } from '../../src/interfaces/http/middleware/security-headers.ts';
import { createTestAlipay, newOrderId, returnParams } from '../support/alipay-signer.ts';
import { pglite } from '../support/databases.ts';
import { ADMIN, appForSuite } from '../support/test-app.ts';

const alipay = createTestAlipay();
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
const RIGHT = basic(`${ADMIN.user}:${ADMIN.password}`);
let addresses = 0;
/** A client address of its own per test, so that one test's failed logins never throttle another's. */
const nextClient = () => `203.0.113.${++addresses}`;

describe('the admin area, however it is reached', () => {
  // Loopback is the trusted proxy here, so X-Forwarded-For gives each test a client address of its own.
  const suite = appForSuite(pglite, { alipayPublicKeyPem: alipay.publicKeyPem, trustedProxies: ['127.0.0.1', '::1'] });
  const request = (
    path: string,
    { method = 'GET', authorization, client = nextClient() }: { method?: string; authorization?: string; client?: string } = {},
  ) =>
    fetch(suite.app.url + path, {
      method,
      headers: { 'X-Forwarded-For': client, ...(authorization ? { Authorization: authorization } : {}) },
    });

  const VARIANTS = [
    '/admin/payments',
    '/Admin/payments.csv',
    '/ADMIN/payments',
    '/aDmin/rejections',
    '/ADMIN/PAYMENTS.CSV',
    '/%61dmin/payments',
    '/%41DMIN/payments.csv',
    '/%2561dmin/payments',
    '/admin%2Fpayments',
    '//admin//payments',
    '//Admin/payments.csv',
    '/admin/payments/',
    '/admin//payments.csv/',
    '/admin/./payments',
    '/admin',
    '/admin/',
    '/admin/nothing-here',
  ];
  for (const method of ['GET', 'HEAD']) {
    for (const path of VARIANTS) {
      it(`${method} ${path} without credentials: 401, no-store and the admin CSP`, async () => {
        const response = await request(path, { method });
        assert.equal(response.status, 401);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm=/);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.equal(response.headers.get('content-security-policy'), ADMIN_CSP);
        assert.doesNotMatch(await response.text(), /订单号|支付宝交易号/);
      });
    }
  }

  it('claims a path still escaped after three decodings as admin, at the cost of three passes', async () => {
    assert.ok(isAdminPath('/%25252561dmin/payments'));
    assert.ok(isAdminPath(`/%25${'25'.repeat(10_000)}`));
    assert.ok(!isAdminPath('/payment/status/'));
    assert.ok(!isAdminPath('/assets/..%2Fsite.css'));
    const response = await request(`/%25${'25'.repeat(10_000)}`);
    assert.equal(response.status, 401);
  });

  it('claims a path without the decoding work only when the whole rule agrees: the shortcut changes no answer', () => {
    const pieces = fc.oneof(
      fc.constantFrom('/', '\\', '.', '..', 'a', 'A', 'd', 'm', 'i', 'n', 'admin', 'ADMIN', 'adm', 'in', 'x'),
      fc.constantFrom('%', '%2F', '%2e', '%5C', '%61', '%25'),
      // Letters whose lowercase or uppercase is, or holds, an ASCII one.
      fc.constantFrom('İ', 'ı', '\u212A', 'ſ', 'ＡＤＭＩＮ'),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const path = `/${parts.join('')}`;
        assert.equal(isAdminPath(path), normalisesToAdmin(path), path);
      }),
      { numRuns: 20_000 },
    );
    for (const path of ['/./admin', '//admin', '/\\admin', '/.\\./ADMIN/x', '/%61dmin']) assert.ok(isAdminPath(path), path);
  });

  it('serves the pages in any case with credentials, still no-store and with the admin CSP', async () => {
    for (const path of ['/admin/payments', '/ADMIN/payments', '/Admin/payments.csv', '/aDmin/rejections']) {
      const response = await request(path, { authorization: RIGHT });
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
      assert.equal(response.headers.get('content-security-policy'), ADMIN_CSP, path);
    }
  });

  it('refuses credentials that are not strict base64, even when they decode to the right ones', async () => {
    const encoded = Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64');
    assert.ok(encoded.endsWith('='), 'the test needs a padded encoding');
    const lastSextet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const beforePad = encoded.slice(0, encoded.indexOf('='));
    // The low bits of the last character before '=' carry nothing: lenient decoders ignore them.
    const nonCanonical = beforePad.slice(0, -1) + lastSextet[lastSextet.indexOf(beforePad.at(-1)!) ^ 1] + encoded.slice(beforePad.length);
    assert.equal(Buffer.from(nonCanonical, 'base64').toString(), `${ADMIN.user}:${ADMIN.password}`);
    for (const header of [
      `Basic ${beforePad}`,
      `Basic ${nonCanonical}`,
      `Basic  ${encoded}`,
      `Basic ${encoded.slice(0, 8)}\n${encoded.slice(8)}`,
      `Basic ${encoded}==`,
      `Basic ${encoded.replace(/=/g, '')}`,
    ]) {
      const response = await request('/admin/payments', { authorization: header }).catch(() => ({ status: 401 }));
      assert.equal(response.status, 401, JSON.stringify(header));
    }
    assert.equal((await request('/admin/payments', { authorization: `basic ${encoded}` })).status, 200, 'the scheme is case-insensitive');
  });

  it('answers 429 with Retry-After after 5 failed logins from one address, even to the right password, and not to other addresses', async () => {
    const guesser = nextClient();
    const before = await failures();
    for (let i = 1; i <= 5; i++)
      assert.equal(
        (await request('/admin/payments', { authorization: basic(`admin:guess-${i}`), client: guesser })).status,
        401,
        `guess ${i}`,
      );
    const blocked = await request('/admin/payments', { authorization: basic('admin:guess-6'), client: guesser });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) >= 1 && Number(blocked.headers.get('retry-after')) <= 60);
    assert.equal(blocked.headers.get('cache-control'), 'no-store');
    assert.match(await blocked.text(), /登录失败次数过多/);
    assert.equal((await request('/ADMIN/payments', { authorization: RIGHT, client: guesser })).status, 429);
    assert.equal((await request('/admin/payments', { authorization: RIGHT })).status, 200, 'another address signs in');
    assert.equal(await failures(), before + 5);
    assert.match(await (await fetch(`${suite.app.url}/metrics`)).text(), /meiduo_throttled_requests_total\{limit="admin-login"\} [1-9]/);
  });

  it('does not count a request that offers no credentials as a failed login', async () => {
    const client = nextClient();
    for (let i = 0; i < 8; i++) assert.equal((await request('/admin/payments', { client })).status, 401);
    assert.equal((await request('/admin/payments', { authorization: RIGHT, client })).status, 200);
  });

  it('keeps the forwarded client address in the audit trail when the peer is a trusted proxy', async () => {
    const client = nextClient();
    const orderId = newOrderId();
    const forged = alipay.signedQuery(returnParams(orderId, '1.00')).replace(/sign=[^&]+/, 'sign=AAAA');
    assert.equal((await request(`/payment/status/?${forged}`, { client: `198.51.100.7, ${client}` })).status, 403);
    const [row] = await suite.db.knex('tb_payment_rejection').where({ out_trade_no: orderId }).select('remote_address');
    assert.equal(row.remote_address, client);
  });

  async function failures(): Promise<number> {
    const text = await (await fetch(`${suite.app.url}/metrics`)).text();
    return Number(/^meiduo_admin_login_failures_total (\d+)/m.exec(text)?.[1] ?? 'NaN');
  }
});

describe('without trusted proxies', () => {
  const suite = appForSuite(pglite, { alipayPublicKeyPem: alipay.publicKeyPem });

  it('ignores X-Forwarded-For: the audit trail keeps the socket address', async () => {
    const orderId = newOrderId();
    const forged = alipay.signedQuery(returnParams(orderId, '1.00')).replace(/sign=[^&]+/, 'sign=AAAA');
    await fetch(`${suite.app.url}/payment/status/?${forged}`, { headers: { 'X-Forwarded-For': '203.0.113.250' } });
    const [row] = await suite.db.knex('tb_payment_rejection').where({ out_trade_no: orderId }).select('remote_address');
    assert.match(row.remote_address, /127\.0\.0\.1/);
  });

  it('sends no HSTS outside production', async () => {
    assert.equal((await suite.app.get('/healthz')).headers.get('strict-transport-security'), null);
  });

  it('answers 405 with Allow: POST to GET and HEAD of the notify URL, instead of reading "notify" as an order id', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(`${suite.app.url}/payment/notify/`, { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'POST');
    }
  });
});

describe('in production', () => {
  const suite = appForSuite(pglite, { alipayPublicKeyPem: alipay.publicKeyPem, production: true });

  it('sends HSTS on every response, errors included', async () => {
    for (const path of ['/healthz', '/nope', '/admin/payments', `/payment/status/?x=1`]) {
      assert.equal((await suite.app.get(path)).headers.get('strict-transport-security'), 'max-age=31536000', path);
    }
  });
});
