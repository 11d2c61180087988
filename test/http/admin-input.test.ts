import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, describe, it } from 'node:test';
import { createTestAlipay } from '../support/alipay-signer.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { ADMIN, type RunningApp, startTestApp } from '../support/test-app.ts';

const alipay = createTestAlipay();
// Always the right credentials: wrong ones would count towards the login throttle.
const AUTHORIZATION = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
const cursor = (...values: string[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
const SOME_TIME = '2026-11-26T00:00:00.000000Z';

// Each passes the old regex checks, and PostgreSQL throws on it (or it is one no listing makes).
const OUT_OF_RANGE_PAYMENT_CURSORS = [
  cursor('9999-99-99T99:99:99.000000Z', '99999999999999999999'),
  cursor('9999-99-99T99:99:99.000000Z', '1'),
  cursor('2026-02-31T00:00:00.000000Z', '1'),
  cursor('2026-13-01T00:00:00.000000Z', '1'),
  cursor('2026-11-26T25:00:00.000000Z', '1'),
  cursor('0000-01-01T00:00:00.000000Z', '1'),
  cursor(SOME_TIME, '9223372036854775808'),
  cursor(SOME_TIME, '9999999999999999999'),
  cursor(SOME_TIME, '0'),
];
const OUT_OF_RANGE_SEQ_CURSORS = [cursor('9223372036854775808'), cursor('9999999999999999999'), cursor('0')];

for (const harness of databaseHarnesses) {
  describe(`admin query input on ${harness.name}`, () => {
    let db: TestDatabase;
    let app: RunningApp;
    const admin = async (path: string) => {
      const response = await fetch(app.url + path, { headers: { Authorization: AUTHORIZATION } });
      return { status: response.status, headers: response.headers, body: await response.text() };
    };

    before(async () => {
      db = await harness.open();
      app = await startTestApp({ knex: db.knex, alipayPublicKeyPem: alipay.publicKeyPem });
    });
    after(async () => {
      await app.close();
      await db.close();
    });

    it('names the bad parameter in the admin layout and links back with the filters that were valid', async () => {
      const kept = '返回支付记录';
      const cases: Array<[string, string, string, string]> = [
        [
          '/admin/payments?q=000123&state=bogus&from=2026-11-01&limit=20',
          'state',
          '/admin/payments?q=000123&amp;from=2026-11-01&amp;limit=20',
          kept,
        ],
        ['/admin/payments?from=2026-02-31&to=2026-11-30', 'from', '/admin/payments?to=2026-11-30', kept],
        ['/admin/payments?limit=0&state=needs_review&after=abc', 'limit', '/admin/payments?state=needs_review', kept],
        ['/admin/payments.csv?state=x&q=77', 'state', '/admin/payments?q=77', kept],
        ['/admin/payments?state=applied&state=resolved&q=9', 'state', '/admin/payments?q=9', kept],
        ['/admin/payments?q=1&after=not-a-cursor', 'cursor', '/admin/payments?q=1', kept],
        ['/admin/payments?from=2026-11-27&to=2026-11-26', 'to', '/admin/payments?from=2026-11-27', kept],
        ['/admin/payments?state=bogus', 'state', '/admin/payments', '返回支付记录'],
        ['/admin/orders/bad%20id', 'order_id', '/admin/payments', '返回支付记录'],
        ['/admin/reconciliation/2026-13-01', 'date', '/admin/reconciliation', '返回对账'],
      ];
      for (const [path, parameter, back, label] of cases) {
        const response = await admin(path);
        assert.equal(response.status, 400, path);
        assert.ok(response.body.includes('<a class="brand" href="/admin/payments">支付管理后台</a>'), `${path}: the admin layout`);
        assert.ok(!response.body.includes('美多商城'), `${path}: not the shop's`);
        assert.ok(response.body.includes(`<span class="parameter">${parameter}</span>`), `${path}: names ${parameter}`);
        assert.ok(response.body.includes(`<a class="back" href="${back}">${label}</a>`), `${path}: back to ${back}, saying ${label}`);
      }
    });

    it("explains every bad parameter in Chinese, never in the log's English", async () => {
      for (const path of [
        '/admin/payments?state=bogus',
        '/admin/payments?limit=0',
        '/admin/payments?from=2026-02-31',
        '/admin/payments?state=applied&state=resolved',
        '/admin/payments?q=%00',
        '/admin/payments?after=not-a-cursor',
        '/admin/rejections?channel=x',
        '/admin/rejections?reason=x',
        '/admin/reconciliation/2026-13-01',
        '/admin/reconciliation/2026-11-30?kind=x',
        '/admin/orders/bad%20id',
      ]) {
        const response = await admin(path);
        assert.equal(response.status, 400, path);
        const problem = /<p class="problem-text">([^<]*)<\/p>/.exec(response.body)?.[1] ?? '';
        assert.match(problem, /[\u4e00-\u9fff]/, `${path}: ${problem}`);
        assert.doesNotMatch(problem, /\b(must|given|longer|holds|cursor|one of)\b/, `${path}: ${problem}`);
      }
    });

    it('explains a reversed date range and offers it the right way round', async () => {
      for (const path of ['/admin/payments?q=77&from=2026-11-27&to=2026-11-26', '/admin/rejections?q=77&from=2026-11-27&to=2026-11-26']) {
        const response = await admin(path);
        assert.equal(response.status, 400, path);
        assert.match(response.body, /截止日期早于起始日期/, path);
        const listing = path.split('?')[0];
        assert.ok(
          response.body.includes(`<a class="swap" href="${listing}?q=77&amp;to=2026-11-27&amp;from=2026-11-26">`),
          `${path}: the swap link`,
        );
      }
      assert.equal((await admin('/admin/payments?q=77&to=2026-11-27&from=2026-11-26')).status, 200);
      assert.equal((await admin('/admin/payments?from=2026-11-26&to=2026-11-26')).status, 200, 'one day is a range');
    });

    it('answers a payments cursor out of PostgreSQL range with 400, never a 500', async () => {
      for (const value of OUT_OF_RANGE_PAYMENT_CURSORS) {
        for (const direction of ['after', 'before']) {
          const response = await admin(`/admin/payments?${direction}=${value}`);
          const shown = `${direction}=${Buffer.from(value, 'base64url').toString()}`;
          assert.equal(response.status, 400, shown);
          assert.match(response.body, /查询参数错误/, shown);
        }
      }
    });

    it('answers a rejections cursor out of bigint range with 400, never a 500', async () => {
      for (const value of OUT_OF_RANGE_SEQ_CURSORS) {
        const response = await admin(`/admin/rejections?after=${value}`);
        assert.equal(response.status, 400, Buffer.from(value, 'base64url').toString());
      }
    });

    it('still takes cursors at the very ends of the range', async () => {
      for (const value of [
        cursor('0001-01-01T00:00:00.000000Z', '1'),
        cursor('9999-12-31T23:59:59.999999Z', '9223372036854775807'),
        cursor('2028-02-29T12:00:00.123456Z', '42'),
      ]) {
        assert.equal((await admin(`/admin/payments?after=${value}`)).status, 200, Buffer.from(value, 'base64url').toString());
      }
      assert.equal((await admin(`/admin/rejections?after=${cursor('9223372036854775807')}`)).status, 200);
    });

    it('answers an impossible date with 400', async () => {
      for (const query of [
        'from=2026-02-31',
        'to=2026-02-30',
        'from=2026-13-01',
        'to=2026-00-10',
        'from=2026-04-31',
        'from=0000-01-01',
        'from=0001-01-01',
        'to=2027-02-29',
        'from=2026-2-1',
        'from=+02026-01-01',
      ]) {
        const response = await admin(`/admin/payments?${query}`);
        assert.equal(response.status, 400, query);
        assert.match(response.body, /查询参数错误/, query);
        assert.equal((await admin(`/admin/payments.csv?${query}`)).status, 400, `csv ${query}`);
      }
      for (const query of ['from=2028-02-29', 'to=2026-12-31', 'from=0001-01-02&to=9999-12-31'])
        assert.equal((await admin(`/admin/payments?${query}`)).status, 200, query);
    });

    it('answers a NUL in the search, which PostgreSQL text cannot hold, with 400', async () => {
      for (const path of ['/admin/payments?q=%00', '/admin/payments.csv?q=T%00', '/admin/rejections?q=%00']) {
        assert.equal((await admin(path)).status, 400, path);
      }
    });
  });
}

describe('the stylesheet route', () => {
  let db: TestDatabase;
  let app: RunningApp;
  before(async () => {
    db = await databaseHarnesses[0]!.open();
    app = await startTestApp({ knex: db.knex, alipayPublicKeyPem: alipay.publicKeyPem });
  });
  after(async () => {
    await app.close();
    await db.close();
  });

  it('answers names inherited from Object.prototype with the 404 page and the security headers', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__']) {
      const response = await app.get(`/assets/${name}`);
      assert.equal(response.status, 404, name);
      assert.match(response.body, /页面不存在/, name);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', name);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', name);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', name);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/, name);
    }
  });

  it('still serves the stylesheets', async () => {
    for (const name of ['site.css', 'sandbox.css']) {
      const response = await app.get(`/assets/${name}`);
      assert.equal(response.status, 200, name);
      assert.match(response.headers.get('content-type') ?? '', /^text\/css/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(response.body.length > 0);
    }
  });
});
