import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pooledSql } from '../../src/infrastructure/persistence/sql.ts';
import { SqlPaymentEventLog } from '../../src/infrastructure/persistence/sql-payment-event-log.ts';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { steadyClock } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { ADMIN, type RunningApp, seedOrder, startTestApp } from '../support/test-app.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();
const AUTHORIZATION = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;

/** The timeline's entries in page order: time and title of each. */
const entriesOn = (body: string) =>
  [
    ...body.matchAll(
      /<time class="timeline-time">([^<]*)<\/time><div class="timeline-body"><strong class="timeline-title">([^<]*)<\/strong>/g,
    ),
  ].map((match) => ({ time: match[1]!, title: match[2]! }));
const titlesOn = (body: string) => entriesOn(body).map((entry) => entry.title);
// Alipay's own field names, which staff look up, are the only lower-case words a page may show.
const ALIPAY_NAMES = new Set(['notify_type', 'trade_status_sync']);
/** The English words in the text of the page's main part. */
const englishIn = (body: string) =>
  (
    body
      .slice(body.indexOf('<main>'))
      .replace(/<[^>]*>/g, ' ')
      .match(/[a-z][a-z_]+/g) ?? []
  ).filter((word) => !ALIPAY_NAMES.has(word));

for (const harness of databaseHarnesses) {
  describe(`the order timeline on ${harness.name}`, () => {
    let db: TestDatabase;
    let app: RunningApp;
    let events: SqlPaymentEventLog;
    // The app's own clock: events added by hand are placed relative to what the app records.
    const clock = steadyClock();
    const appNowPlus = (ms: number) => new Date(clock.now().getTime() + ms);
    const admin = async (path: string, authorized = true) => {
      const response = await fetch(app.url + path, { headers: authorized ? { Authorization: AUTHORIZATION } : {} });
      return { status: response.status, headers: response.headers, body: await response.text() };
    };

    before(async () => {
      db = await harness.open();
      app = await startTestApp({ knex: db.knex, alipayPublicKeyPem: alipay.publicKeyPem, clock });
      events = new SqlPaymentEventLog(db.knex, pooledSql(db.knex));
    });
    after(async () => {
      await app.close();
      await db.close();
    });
    beforeEach(async () => {
      await db.truncate();
      await db.knex.raw('TRUNCATE tb_payment_rejection, tb_payment_event');
    });

    /** An UNPAID order whose pay URL was issued, paid by a return, confirmed by a notify. */
    async function paidOrder(): Promise<string> {
      const orderId = newOrderId();
      await seedOrder(db.knex, orderId, '88.80');
      assert.equal((await app.get(`/payment/${orderId}/`)).status, 200);
      assert.equal((await app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80', 'TRADE88'))}`)).status, 200);
      const notify = alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS', 'TRADE88'));
      assert.equal((await app.post('/payment/notify/', notify)).body, 'success');
      return orderId;
    }

    it('shows a paid order: the order, the pay URL, the payment and the notify, oldest first, in Beijing time', async () => {
      const orderId = await paidOrder();
      const { status, headers, body } = await admin(`/admin/orders/${orderId}`);
      assert.equal(status, 200);
      assert.equal(headers.get('cache-control'), 'no-store');
      assert.match(headers.get('content-security-policy') ?? '', /style-src 'self'/);
      assert.match(body, /<a class="brand" href="\/admin\/payments">支付管理后台<\/a>/);
      assert.ok(body.includes(`<h1>订单<span class="mono order-id">${orderId}</span></h1>`));
      assert.ok(body.includes('<dd>¥88.80</dd>'));
      assert.ok(body.includes('<dd class="order-status">待评价</dd>'));
      assert.deepEqual(titlesOn(body), ['生成支付链接', '记录支付（同步返回）', '收到异步通知']);
      assert.ok(body.includes('<dd class="mono">支付金额 ¥88.80</dd>'));
      assert.ok(body.includes('<dt>支付宝交易号</dt><dd>TRADE88</dd>'));
      assert.ok(body.includes('<dt>支付状态</dt><dd>已入账</dd>'));
      assert.match(body, /<dt>通知与处理<\/dt><dd class="mono">支付成功，交易号 TRADE88，金额 ¥88.80：此前已记录，未重复记录<\/dd>/);
      assert.deepEqual(englishIn(body), [], 'the timeline in Chinese');
      const times = entriesOn(body).map((entry) => entry.time);
      assert.deepEqual([...times].sort(), times, 'oldest first');
      const [payUrl] = await events.listFor(orderId, 1);
      assert.ok(
        times.includes(new Date(payUrl!.at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')),
        'Beijing time',
      );
      assert.doesNotMatch(body, /\sstyle=/, 'no inline styles: the CSP would refuse them');
      assert.doesNotMatch(body, /timeline-cut/);
    });

    it("shows an authentic refused callback for the order, matching out_trade_no exactly, counts a forged one, and shows a query with Alipay's answer", async () => {
      const orderId = await paidOrder();
      // Alipay's own signature, refused for what it is: a notify sent to the return URL.
      const misdirected = alipay.signedQuery({ ...returnParams(orderId, '88.80', 'WRONG1'), notify_type: 'trade_status_sync' });
      assert.equal((await app.get(`/payment/status/?${misdirected}`)).status, 403);
      assert.equal((await app.get(`/payment/status/?${stranger.signedQuery(returnParams(orderId, '88.80', 'FORGED1'))}`)).status, 403);
      const longer = `${orderId}0`;
      assert.equal(
        (await app.get(`/payment/status/?${alipay.signedQuery({ ...returnParams(longer, '88.80', 'WRONG2'), notify_type: 'x' })}`)).status,
        403,
      );
      await events.append({
        orderId,
        at: appNowPlus(60_000),
        kind: 'query',
        summary: 'trade_status=TRADE_SUCCESS trade_no=TRADE88 total_amount=88.80: already recorded',
      });
      const { body } = await admin(`/admin/orders/${orderId}`);
      assert.deepEqual(titlesOn(body), ['生成支付链接', '记录支付（同步返回）', '收到异步通知', '拒绝同步返回', '主动查询支付宝']);
      assert.ok(body.includes('<dt>原因</dt><dd>消息类型不符</dd>'));
      assert.ok(body.includes('<dt>交易号</dt><dd>WRONG1</dd>'));
      assert.ok(!body.includes('WRONG2'), 'another order whose id begins with this one');
      assert.ok(!body.includes('FORGED1'), 'a forged callback is counted, not listed');
      assert.match(body, /另有 1 次提到此订单、但签名未通过验证的回调/);
      assert.ok(body.includes('<dt>支付宝应答</dt><dd class="mono">支付成功，交易号 TRADE88，金额 ¥88.80：此前已记录，未重复记录</dd>'));
      assert.ok(body.includes('<dd class="mono">不是同步返回应有的消息：同步返回不应带 notify_type</dd>'), 'the refusal in Chinese');
      assert.deepEqual(englishIn(body), [], 'the timeline in Chinese');
    });

    it('shows a payment kept for review with its reason and source', async () => {
      const orderId = newOrderId();
      await seedOrder(db.knex, orderId, '88.80', 6);
      const notify = alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS', 'TRADE_CANCELED'));
      assert.equal((await app.post('/payment/notify/', notify)).body, 'success');
      const { body } = await admin(`/admin/orders/${orderId}`);
      assert.ok(body.includes('<dd class="order-status">已取消</dd>'));
      assert.equal(titlesOn(body)[0], '记录支付（异步通知）');
      assert.match(body, /<li class="timeline-needs-review">/);
      assert.ok(body.includes('<dt>支付状态</dt><dd>待核对：订单已取消</dd>'));
    });

    it('says the order does not exist when only events and rejections name it', async () => {
      const orderId = newOrderId();
      assert.equal((await app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '1.00'))}`)).status, 404);
      await events.append({ orderId, at: appNowPlus(0), kind: 'query', summary: 'sub_code=ACQ.TRADE_NOT_EXIST' });
      const { status, body } = await admin(`/admin/orders/${orderId}`);
      assert.equal(status, 200);
      assert.match(body, /<section class="order-missing"><h2>订单不存在<\/h2>/);
      assert.doesNotMatch(body, /<dl class="details">/);
      assert.deepEqual(titlesOn(body), ['拒绝同步返回', '主动查询支付宝']);
      assert.ok(body.includes('<dt>原因</dt><dd>订单不存在</dd>'));
    });

    it('answers 404 in the admin layout when nothing at all is known about the id', async () => {
      const { status, headers, body } = await admin(`/admin/orders/${newOrderId()}`);
      assert.equal(status, 404);
      assert.equal(headers.get('cache-control'), 'no-store');
      assert.match(body, /<a class="brand" href="\/admin\/payments">支付管理后台<\/a>/);
      assert.match(body, /<h1>订单不存在<\/h1>/);
      assert.match(body, /href="\/admin\/payments"/);
    });

    it('answers a malformed id with 400, never reflecting it', async () => {
      for (const id of ['%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'a'.repeat(65), 'abc.def', '%E8%AE%A2%E5%8D%95', '%00', 'a%20b']) {
        const { status, body } = await admin(`/admin/orders/${id}`);
        assert.equal(status, 400, id);
        assert.match(body, /查询参数错误/);
        assert.doesNotMatch(body, /<script|alert\(1\)/);
      }
      assert.equal((await admin(`/admin/orders/${'a'.repeat(64)}`)).status, 404, '64 characters is an id');
    });

    it('needs the admin password', async () => {
      const orderId = await paidOrder();
      for (const path of [`/admin/orders/${orderId}`, `/ADMIN/orders/${orderId}`, `/%61dmin/orders/${orderId}`]) {
        const { status, body } = await admin(path, false);
        assert.equal(status, 401, path);
        assert.ok(!body.includes(orderId));
      }
    });

    it('shows hostile text from the records as text, and does not link a hostile out_trade_no', async () => {
      const orderId = await paidOrder();
      await events.append({ orderId, at: appNowPlus(1_000), kind: 'query', summary: 'sub_msg=<script>alert("q")</script>' });
      const { body } = await admin(`/admin/orders/${orderId}`);
      assert.ok(body.includes('sub_msg=&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;'));
      assert.doesNotMatch(body, /<script/i);

      const hostile = '<img src=x onerror=alert(1)>';
      assert.equal((await app.get(`/payment/status/?${stranger.signedQuery(returnParams(hostile, '1.00', 'HOSTILE1'))}`)).status, 403);
      const rejections = await admin('/admin/rejections?q=HOSTILE1');
      assert.ok(rejections.body.includes('<td class="mono">&lt;img src=x onerror=alert(1)&gt;</td>'));
      assert.doesNotMatch(rejections.body, /<img|\/admin\/orders\/%3C/i);
    });

    it('links every order id on the payments and rejections pages to its timeline', async () => {
      const orderId = await paidOrder();
      assert.equal((await app.get(`/payment/status/?${stranger.signedQuery(returnParams(orderId, '88.80', 'FORGED3'))}`)).status, 403);
      const link = `<a href="/admin/orders/${orderId}">${orderId}</a>`;
      assert.ok((await admin('/admin/payments')).body.includes(`<td class="mono">${link}</td>`));
      assert.ok((await admin('/admin/rejections')).body.includes(`<td class="mono">${link}</td>`));
      const { body } = await admin(`/admin/orders/${orderId}`);
      assert.ok(body.includes(`href="/admin/rejections?q=${orderId}"`));
    });

    it('shows every payment and the newest 200 other entries when there are more, and says so', async () => {
      const orderId = await paidOrder();
      const start = appNowPlus(1_000).getTime();
      for (let n = 0; n < 205; n++)
        await events.append({ orderId, at: new Date(start + n * 1_000), kind: 'query', summary: `sub_code=ACQ.SYSTEM_ERROR n=${n}` });
      const { body } = await admin(`/admin/orders/${orderId}`);
      const titles = titlesOn(body);
      assert.equal(titles.length, 201);
      assert.equal(titles[0], '记录支付（同步返回）', 'the payment stays, older than all the rest');
      assert.ok(
        titles.slice(1).every((title) => title === '主动查询支付宝'),
        'the oldest events are the ones left out',
      );
      assert.ok(body.includes('n=204'));
      assert.ok(!body.includes('n=4<'));
      assert.ok(body.includes('n=5<'));
      assert.match(body, /<p class="timeline-cut">记录较多，只显示全部支付和最近 200 条其他记录，更早的记录未显示。<\/p>/);
    });

    it('keeps a payment kept for review and its form in view under 250 forged returns, counted with a link', async () => {
      const orderId = newOrderId();
      await seedOrder(db.knex, orderId, '88.80', 6);
      assert.equal(
        (await app.post('/payment/notify/', alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS', 'KEPT1')))).body,
        'success',
      );
      for (let n = 0; n < 250; n += 25)
        await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            app.get(`/payment/status/?${stranger.signedQuery(returnParams(orderId, '88.80', `FORGED${n + i}`))}`),
          ),
        );
      const { body } = await admin(`/admin/orders/${orderId}`);
      assert.deepEqual(
        titlesOn(body),
        ['记录支付（异步通知）', '收到异步通知'],
        'the payment and its notify: the forgeries are not entries',
      );
      assert.match(body, /<form class="resolve" id="review-KEPT1"/);
      assert.match(body, /另有 250 次提到此订单、但签名未通过验证的回调（任何人都能发送，可能是伪造），不列在时间线中：/);
      assert.ok(body.includes(`<a href="/admin/rejections?q=${orderId}">在拒绝记录中查看</a>`));
      assert.doesNotMatch(body, /timeline-cut/);
    });
  });
}
