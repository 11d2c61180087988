import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { KnexRejectionLog } from '../../src/infrastructure/persistence/knex-rejection-log.ts';
import { createTestAlipay, newOrderId, returnParams } from '../support/alipay-signer.ts';
import { fixedClock } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { ADMIN, paymentRows, type RunningApp, seedOrder, startTestApp } from '../support/test-app.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

for (const harness of databaseHarnesses) {
  describe(`the admin view on ${harness.name}`, () => {
    let db: TestDatabase;
    let app: RunningApp;
    const admin = async (path: string, authorization: string | null = basic(ADMIN.user, ADMIN.password)) => {
      const response = await fetch(app.url + path, { headers: authorization ? { Authorization: authorization } : {} });
      const bytes = new Uint8Array(await response.arrayBuffer());
      // Decoded by hand: fetch's text() would drop the BOM the CSV test looks for.
      return {
        status: response.status,
        headers: response.headers,
        bytes,
        body: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
      };
    };

    /** n payments, one minute apart, the newest last; every third needs review. */
    async function seedPayments(n: number, tradeId = (i: number) => `T${String(i).padStart(4, '0')}`): Promise<void> {
      for (let i = 1; i <= n; i++) {
        const orderId = `20261126${String(i).padStart(15, '0')}`;
        await seedOrder(db.knex, orderId, '88.80', 4);
        await db.knex('tb_payment').insert({
          order_id: orderId,
          trade_id: tradeId(i),
          amount: '88.80',
          source: i % 2 ? 'return' : 'notify',
          state: i % 3 ? 'applied' : 'needs_review',
          review_reason: i % 3 ? null : 'ALREADY_PAID',
          create_time: new Date(Date.parse('2026-11-25T16:00:00Z') + i * 60_000),
        });
      }
    }
    const tradeIdsOn = (body: string) => [...body.matchAll(/<td class="mono">(T\d{4})<\/td>/g)].map((m) => m[1]);
    const link = (body: string, rel: 'previous' | 'next') =>
      body.match(new RegExp(`<a class="${rel}" href="([^"]+)"`))?.[1]?.replace(/&amp;/g, '&');

    before(async () => {
      db = await harness.open();
      app = await startTestApp({ knex: db.knex, alipayPublicKeyPem: alipay.publicKeyPem, rejections: { maxRows: 20, maxAgeDays: 30 } });
    });
    after(async () => {
      await app.close();
      await db.close();
    });
    beforeEach(async () => {
      await db.truncate();
      await db.knex.raw('TRUNCATE tb_payment_rejection');
    });

    it('asks for Basic credentials, and refuses wrong ones', async () => {
      for (const authorization of [null, basic('admin', 'wrong'), basic('root', ADMIN.password), 'Bearer x', 'Basic !!!']) {
        const response = await admin('/admin/payments', authorization);
        assert.equal(response.status, 401, String(authorization));
        assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="meiduo-payment admin"/);
        assert.doesNotMatch(response.body, /支付记录/);
      }
      for (const path of ['/admin/payments.csv', '/admin/rejections']) assert.equal((await admin(path, null)).status, 401);
    });

    it('leads /admin and /admin/ to the payments list, behind the same login', async () => {
      for (const path of ['/admin', '/admin/']) {
        assert.equal((await admin(path, null)).status, 401, path);
        const headers = { Authorization: basic(ADMIN.user, ADMIN.password) };
        const response = await fetch(app.url + path, { headers, redirect: 'manual' });
        await response.body?.cancel();
        assert.equal(response.status, 302, path);
        assert.equal(response.headers.get('location'), '/admin/payments');
      }
    });

    it('serves pages that are never cached, framed or scripted', async () => {
      const response = await admin('/admin/payments');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /script-src|unsafe-inline/);
    });

    it('lists payments newest first with Chinese labels and the needs-review count', async () => {
      await seedPayments(4);
      const { body } = await admin('/admin/payments');
      assert.deepEqual(tradeIdsOn(body), ['T0004', 'T0003', 'T0002', 'T0001']);
      assert.match(body, /待核对：<a class="review" href="\/admin\/payments\?state=needs_review" data-waiting="yes">1 笔<\/a>/);
      for (const label of ['待评价', '已入账', '待核对：订单已由其他交易支付', '同步返回', '异步通知', '2026-11-26 00:04:00'])
        assert.ok(body.includes(label), label);
    });

    it('shows an empty table as a sentence, with no paging links', async () => {
      const { body } = await admin('/admin/payments');
      assert.match(body, /没有符合条件的支付记录/);
      assert.equal(link(body, 'next'), undefined);
      assert.equal(link(body, 'previous'), undefined);
    });

    it('pages with 下一页 and 上一页, keeping the filters, down to an exact multiple', async () => {
      await seedPayments(6);
      const first = await admin('/admin/payments?limit=2&state=applied');
      assert.deepEqual(tradeIdsOn(first.body), ['T0005', 'T0004']);
      const second = await admin(link(first.body, 'next')!);
      assert.deepEqual(tradeIdsOn(second.body), ['T0002', 'T0001']);
      assert.equal(link(second.body, 'next'), undefined, 'no empty page after an exact multiple');
      assert.match(link(second.body, 'previous')!, /state=applied/);
      const back = await admin(link(second.body, 'previous')!);
      assert.deepEqual(tradeIdsOn(back.body), ['T0005', 'T0004']);
      assert.equal(link(back.body, 'previous'), undefined);
    });

    it('searches by order id or trade no and filters by state and Beijing dates', async () => {
      await seedPayments(6);
      assert.deepEqual(tradeIdsOn((await admin('/admin/payments?q=T0003')).body), ['T0003']);
      assert.deepEqual(tradeIdsOn((await admin('/admin/payments?q=20261126000000000000005')).body), ['T0005']);
      assert.deepEqual(tradeIdsOn((await admin('/admin/payments?state=needs_review')).body), ['T0006', 'T0003']);
      assert.deepEqual(tradeIdsOn((await admin('/admin/payments?from=2026-11-26&to=2026-11-26')).body).length, 6);
      assert.deepEqual(tradeIdsOn((await admin('/admin/payments?from=2026-11-27')).body), []);
      assert.deepEqual(tradeIdsOn((await admin('/admin/payments?to=2026-11-25')).body), []);
    });

    it('answers a bad filter with 400 and a page, never a 500', async () => {
      for (const query of [
        'limit=0',
        'limit=201',
        'limit=abc',
        'state=paid',
        'from=yesterday',
        'after=bogus',
        'q=a&q=b',
        `q=${'x'.repeat(101)}`,
        'after=a&before=b',
      ]) {
        const response = await admin(`/admin/payments?${query}`);
        assert.equal(response.status, 400, query);
        assert.match(response.body, /查询参数错误/);
      }
      assert.equal((await admin('/admin/payments?limit=200')).status, 200);
    });

    it('shows a hostile trade_id as text, never as HTML', async () => {
      await seedPayments(1, () => '<script>alert("x")</script>');
      const { body } = await admin('/admin/payments');
      assert.ok(!body.includes('<script>alert'));
      assert.ok(body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    });

    it('exports the filtered set as CSV with a BOM, quoting and formula neutralising', async () => {
      await seedPayments(4, (i) => [`T0001`, '=HYPERLINK("http://evil")', '+1,2', 'T0004'][i - 1]!);
      const response = await admin('/admin/payments.csv');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="payments.csv"/);
      assert.deepEqual([...response.bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.ok(
        response.body.startsWith(
          '\uFEFFID,订单号,支付宝交易号,金额,订单状态,支付状态,核对原因,处理说明,处理人,处理时间（北京时间）,来源,时间（北京时间）\r\n',
        ),
      );
      const lines = response.body.trimEnd().split('\r\n');
      assert.equal(lines.length, 1 + 4);
      assert.match(lines[1]!, /,T0004,88\.80,待评价,已入账,,,,,异步通知,2026-11-26 00:04:00$/);
      assert.match(lines[2]!, /,"'\+1,2",88\.80,待评价,待核对,订单已由其他交易支付,,,,同步返回,/);
      assert.match(lines[3]!, /,"'=HYPERLINK\(""http:\/\/evil""\)",/);
      assert.match(lines[4]!, /,T0001,/);
      const applied = await admin('/admin/payments.csv?state=applied');
      assert.equal(applied.body.trimEnd().split('\r\n').length, 1 + 3);
    });

    it('exports a header alone when nothing matches', async () => {
      const { body } = await admin('/admin/payments.csv');
      assert.equal(body.split('\r\n').filter(Boolean).length, 1);
    });

    it('records forged returns and shows them, searchable, on /admin/rejections', async () => {
      const orderId = newOrderId();
      await app.get(`/payment/status/?${stranger.signedQuery(returnParams(orderId, '1.00', 'FORGED1'))}`);
      await app.get(`/payment/status/?${stranger.signedQuery(returnParams(newOrderId(), '1.00', 'FORGED2'))}`);
      const { body } = await admin(`/admin/rejections?q=${orderId}`);
      assert.ok(body.includes('签名无效'));
      assert.ok(body.includes('FORGED1'));
      assert.ok(!body.includes('FORGED2'));
      assert.ok(body.includes('127.0.0.1'));
      assert.doesNotMatch(body, /&quot;sign&quot;:/);
    });

    it('renders its pages in the back office layout: 支付管理后台 and the signed-in user, no shop slogan or footer', async () => {
      for (const path of ['/admin/payments', '/admin/rejections', '/admin/audit', '/admin/reconciliation', '/admin/payments?limit=0']) {
        const { body } = await admin(path);
        assert.match(body, /<a class="brand" href="\/admin\/payments">支付管理后台<\/a>/, path);
        assert.match(body, /当前用户：<strong class="user-name">admin<\/strong>/, path);
        assert.match(body, /href="\/assets\/admin.css"/, path);
        for (const shop of ['商品美', 'CopyRight', '欢迎来到美多商城', 'site.css']) assert.ok(!body.includes(shop), `${path}: ${shop}`);
      }
    });

    it('shows a refused return with its sign shortened, in its column and in the raw view', async () => {
      const query = stranger.signedQuery(returnParams(newOrderId(), '1.00', 'FORGED3'));
      const sign = new URLSearchParams(query).get('sign')!;
      assert.equal((await app.get(`/payment/status/?${query}`)).status, 403);
      const { body } = await admin('/admin/rejections?q=FORGED3');
      assert.ok(body.includes(`<td class="mono sign">${sign.slice(0, 8)}…${sign.slice(-4)}</td>`));
      const raw = body.match(/<details class="raw"><summary>原始报文<\/summary><pre>([^<]*)<\/pre>/)?.[1];
      assert.match(raw ?? '', /trade_no=FORGED3/);
      assert.match(raw ?? '', /(^|&amp;)sign=[^&]{8}…[^&]{4}(&amp;|$)/);
      for (const part of [sign.slice(0, 24), sign.slice(8, 40), encodeURIComponent(sign).slice(0, 24)]) assert.ok(!body.includes(part));
    });

    it('shows the diagnosis as written with its meaning, the replay outcome with its time, and a repaired one', async () => {
      const received = new Date('2026-11-26T07:30:00Z');
      const log = new KnexRejectionLog(db.knex, { maxRows: 20, maxAgeDays: 30 }, fixedClock(received), pino({ level: 'silent' }));
      const entry = (tradeNo: string, extra: Partial<Parameters<typeof log.record>[0]>) =>
        log.record({
          at: received,
          channel: 'return',
          reason: 'INVALID_SIGNATURE',
          detail: 'invalid signature: does not verify',
          remoteAddress: '203.0.113.7',
          outTradeNo: null,
          tradeNo,
          params: '{}',
          raw: new TextEncoder().encode(`trade_no=${tradeNo}&subject=<script>alert(1)</script>&sign=AAAAAAAAbbbbbbbbbbbbCCCC`),
          diagnosis: null,
          ...extra,
        });
      await entry('DIAG1', { diagnosis: 'signed_by_app_key' });
      await entry('DIAG2', { diagnosis: 'unknown_key' });
      await entry('DIAG3', { reason: 'SIGNATURE_REPAIRED', diagnosis: 'plus_became_space' });
      const [first, second] = await log.toReplay({});
      await log.markReplayed(first!.id, { at: new Date('2026-11-27T01:02:03Z'), outcome: 'recovered', detail: 'recorded' });
      await log.markReplayed(second!.id, { at: new Date('2026-11-27T01:02:04Z'), outcome: 'still_refused', detail: 'INVALID_SIGNATURE' });

      const { status, body } = await admin('/admin/rejections?q=DIAG');
      assert.equal(status, 200);
      for (const code of ['signed_by_app_key', 'unknown_key', 'plus_became_space'])
        assert.ok(body.includes(`<span class="mono">${code}</span>`), code);
      assert.ok(body.includes('并非支付宝所签，而是持有本应用私钥者所签'));
      assert.ok(body.includes('已恢复（2026-11-27 09:02:03）'));
      assert.ok(body.includes('仍被拒绝（2026-11-27 09:02:04）'));
      assert.ok(body.includes('签名修复后接受'));
      assert.ok(body.includes('AAAAAAAA…CCCC'));
      assert.ok(!body.includes('bbbbbbbb'), 'the middle of a sign is never shown');
      assert.ok(body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the raw view is escaped');
      assert.doesNotMatch(body, /<script/i);
    });

    it('keeps the audit trail bounded under a flood of forgeries, and still takes a real payment', async () => {
      const forged = stranger.signedQuery(returnParams(newOrderId(), '1.00'));
      for (let batch = 0; batch < 10; batch++) {
        await Promise.all(Array.from({ length: 20 }, () => app.get(`/payment/status/?${forged}`)));
      }
      const [{ n }] = await db.knex('tb_payment_rejection').count({ n: '*' });
      assert.equal(Number(n), 20, '200 forgeries fill the 20 slots and no more');
      const orderId = newOrderId();
      await seedOrder(db.knex, orderId, '3798.00');
      assert.equal((await app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '3798.00'))}`)).status, 200);
      assert.equal((await paymentRows(db.knex, orderId)).length, 1);
    });
  });
}
