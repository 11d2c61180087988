import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { databaseHarnesses, pglite } from '../support/databases.ts';
import { ADMIN, appForSuite, seedOrder } from '../support/test-app.ts';

const alipay = createTestAlipay();
const PATHS = [
  '/payment/status/',
  '/payment/notify/',
  '/payment/20261126000000000000001/',
  '/payment/%00/',
  '/payment/..%2F..%2Fetc%2Fpasswd/',
  '//payment//status//',
  '/admin/payments',
  '/admin/payments.csv',
  '/sandbox/gateway.do',
  '/healthz',
  '/%ff%fe',
  '/payment/status/..',
  '/assets/..%2Fsite.css',
  '/assets/site.css',
];
const NASTY = [
  '%',
  '%2',
  '%zz',
  '%00',
  '%ff',
  '+',
  '&&',
  '==',
  '__proto__',
  'constructor',
  'prototype',
  'a[]',
  'a[b]',
  'sign',
  'sign_type',
  'charset',
  'gbk',
  'RSA',
  '\u0000',
  '美多',
  '<script>',
  "' or 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
  '${7*7}',
  '#{7*7}',
];
const nasty = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9+/=]{0,400}$/));
const query = fc
  .array(fc.tuple(nasty, nasty), { maxLength: 12 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponentLoosely(k)}=${encodeURIComponentLoosely(v)}`).join('&'));
const CONTENT_TYPES = [
  'application/x-www-form-urlencoded; text/html; charset=UTF-8',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
  'application/x-www-form-urlencoded; charset=gbk',
];

// Well-formed enough to pass a shape check, and often out of the calendar's or PostgreSQL's range.
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const upTo = (max: number) => fc.integer({ min: 0, max });
const day = fc
  .tuple(fc.oneof(fc.constantFrom(0, 1, 2026, 9999), upTo(9999)), upTo(13), upTo(32))
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
const time = fc.tuple(day, upTo(25), upTo(61), upTo(61)).map(([d, h, m, s]) => `${d}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.000000Z`);
const id = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
  fc.constantFrom('0', '9223372036854775807', '9223372036854775808', '99999999999999999999'),
);
const toCursor = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
const CURSORS = [
  ['9999-99-99T99:99:99.000000Z', '99999999999999999999'],
  ['9999-99-99T99:99:99.000000Z', '1'],
  ['2026-02-31T00:00:00.000000Z', '1'],
  ['0000-01-01T00:00:00.000000Z', '1'],
  ['2026-11-26T00:00:00.000000Z', '9223372036854775808'],
  ['9223372036854775808'],
  ['0'],
  [],
  {},
  null,
  [1, 2],
  ['__proto__', 'constructor'],
].map(toCursor);
const cursor = fc.oneof(
  fc.constantFrom(...CURSORS),
  fc.tuple(time, id).map(toCursor),
  id.map((seq) => toCursor([seq])),
);
const DATES = [
  '2026-02-31',
  '2026-02-30',
  '2026-02-29',
  '2026-13-01',
  '2026-00-00',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '9999-99-99',
  '2026-11-26T00:00',
  '+002026-11-26',
];
const adminValue = fc.oneof(
  nasty,
  cursor,
  day,
  fc.constantFrom(...DATES, 'applied', 'needs_review', '0', '1', '200', '201', '-1', '1e2', '0x10'),
);
const adminQuery = fc
  .array(fc.tuple(fc.constantFrom('q', 'state', 'from', 'to', 'limit', 'after', 'before'), adminValue), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponentLoosely(v)}`).join('&'));
const assetName = fc.oneof(
  fc.constantFrom(
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'isPrototypeOf',
    'toLocaleString',
    '__defineGetter__',
    'site.css',
    'sandbox.css',
  ),
  fc.string({ maxLength: 20 }),
);
const AUTHORIZATION = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;

/** Leaves some characters raw, so that broken escapes and stray % reach the server as they are. */
function encodeURIComponentLoosely(text: string): string {
  return text.replace(/[^A-Za-z0-9%+=\-_.~[\]<>'$#{}*!]/g, (c) => encodeURIComponent(c));
}

describe('2,000 hostile requests', () => {
  const suite = appForSuite(pglite, { alipayPublicKeyPem: alipay.publicKeyPem });

  it('get no 5xx, whatever the path, method, query, body or content type', async () => {
    const orderId = newOrderId();
    await seedOrder(suite.db.knex, orderId, '88.80');
    const requests = fc.sample(
      fc.record({
        path: fc.constantFrom(...PATHS),
        method: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS'),
        query,
        body: fc.oneof(
          query,
          fc.constant(alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS'))),
          fc.string({ maxLength: 2000 }),
        ),
        contentType: fc.constantFrom(...CONTENT_TYPES),
        tamper: fc.constantFrom('none', 'signed-return', 'overlong'),
      }),
      1_600,
    );
    const failures: string[] = [];
    for (let i = 0; i < requests.length; i += 16) {
      await Promise.all(
        requests.slice(i, i + 16).map(async ({ path, method, query: q, body, contentType, tamper }) => {
          let target = `${path}?${q}`;
          if (tamper === 'signed-return')
            target = `/payment/status/?${alipay.signedQuery({ ...returnParams(orderId, '88.80'), [q.slice(0, 8) || 'x']: q.slice(8, 60) })}&${q}`;
          if (tamper === 'overlong') target = `${path}?x=${'A'.repeat(15_000)}`;
          const init: RequestInit = { method, headers: contentType ? { 'Content-Type': contentType } : {} };
          if (method === 'POST' || method === 'PUT') init.body = body;
          const response = await fetch(suite.app.url + target, init).catch((error: Error) => ({
            status: 0,
            text: async () => error.message,
          }));
          if (response.status >= 500 || response.status === 0)
            failures.push(`${method} ${target.slice(0, 120)} -> ${response.status} ${(await response.text()).slice(0, 80)}`);
        }),
      );
    }
    assert.deepEqual(failures, []);
  });

  it('get no 5xx from 400 raw requests with arbitrary bytes in the request line, and the server stays healthy', async () => {
    const port = Number(new URL(suite.app.url).port);
    const lines = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), 400);
    const statuses = await Promise.all(
      lines.map(
        (bytes) =>
          new Promise<number>((resolve) => {
            const socket = connect(port, '127.0.0.1');
            let reply = '';
            socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
            socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)));
            socket.on('error', () => resolve(0));
            socket.write(
              Buffer.concat([
                Buffer.from('GET /payment/status/?'),
                Buffer.from(bytes),
                Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
              ]),
            );
            socket.setTimeout(5_000, () => socket.destroy());
          }),
      ),
    );
    assert.deepEqual(
      statuses.filter((status) => status >= 500),
      [],
    );
    assert.ok(
      statuses.some((status) => status === 403),
      'some reached the route and were refused',
    );
    assert.equal((await suite.app.get('/healthz')).status, 200);
    const orderId = newOrderId();
    await seedOrder(suite.db.knex, orderId, '3798.00');
    assert.equal((await suite.app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '3798.00'))}`)).status, 200);
  });
});

for (const harness of databaseHarnesses) {
  describe(`hostile admin queries and asset names on ${harness.name}`, () => {
    const suite = appForSuite(harness, { alipayPublicKeyPem: alipay.publicKeyPem });

    it('get no 5xx, with the right credentials, whatever the filters, cursors or asset name', async () => {
      const orderId = newOrderId();
      await seedOrder(suite.db.knex, orderId, '88.80', 4);
      await suite.db.knex('tb_payment').insert({ order_id: orderId, trade_id: 'T0001', amount: '88.80', source: 'notify' });
      const admin = fc
        .record({ path: fc.constantFrom('/admin/payments', '/admin/payments.csv', '/admin/rejections'), query: adminQuery })
        .map(({ path, query: q }) => `${path}?${q}`);
      const asset = assetName.map((name) => `/assets/${encodeURIComponent(name)}`);
      const targets = [...fc.sample(admin, 800), ...fc.sample(asset, 100)];
      const failures: string[] = [];
      const statuses = new Set<number>();
      for (let i = 0; i < targets.length; i += 16) {
        await Promise.all(
          targets.slice(i, i + 16).map(async (target) => {
            // Always the right credentials: wrong ones would count towards the login throttle.
            const response = await fetch(suite.app.url + target, { headers: { Authorization: AUTHORIZATION } });
            const body = await response.text();
            statuses.add(response.status);
            if (response.status >= 500) failures.push(`GET ${target.slice(0, 160)} -> ${response.status} ${body.slice(0, 80)}`);
          }),
        );
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(
        [...statuses].sort((a, b) => a - b),
        [200, 400, 404],
        'every request got past the login to a handler',
      );
    });
  });
}
