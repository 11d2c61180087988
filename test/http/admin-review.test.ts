import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId, returnParams } from '../support/alipay-signer.ts';
import { TEST_NOW } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { ADMIN, type RunningApp, seedOrder, startTestApp } from '../support/test-app.ts';

const alipay = createTestAlipay();
const AUTH = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
const NOTE = '已在支付宝退款 ¥88.80，并电话告知顾客';

for (const harness of databaseHarnesses) {
  describe(`resolving payments kept for review on ${harness.name}`, () => {
    let db: TestDatabase;
    let app: RunningApp;
    before(async () => {
      db = await harness.open();
      app = await startTestApp({ knex: db.knex, alipayPublicKeyPem: alipay.publicKeyPem });
    });
    after(async () => {
      await app.close();
      await db.close();
    });
    beforeEach(() => db.truncate());

    const admin = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(app.url + path, { redirect: 'manual', ...init, headers: { Authorization: AUTH, ...init.headers } });
      return { status: response.status, headers: response.headers, body: await response.text() };
    };
    /** A real return for a cancelled order: the payment is recorded and kept for review (409 to the shopper). */
    async function paymentKeptForReview(tradeNo = `T${newOrderId()}`) {
      const orderId = newOrderId();
      await seedOrder(db.knex, orderId, '88.80', OrderStatus.CANCELED);
      assert.equal((await app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80', tradeNo))}`)).status, 409);
      return { orderId, tradeNo };
    }
    const tokenOn = (body: string) => body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    const post = (tradeNo: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      admin(`/admin/payments/${tradeNo}/resolve`, {
        method: 'POST',
        body: new URLSearchParams(fields).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin', ...headers },
      });
    const resolution = (tradeNo: string) =>
      db.knex('tb_payment').where({ trade_id: tradeNo }).first('state', 'resolved_at', 'resolved_by', 'resolution_note');
    const auditRows = () => db.knex('tb_admin_audit').orderBy('id').select('actor', 'remote_address', 'action', 'target', 'detail');

    it('marks a payment 已处理 with a note from its timeline: the list, the counter, the CSV, the timeline and the audit show it', async () => {
      const { orderId, tradeNo } = await paymentKeptForReview();
      assert.match((await admin('/admin/payments')).body, /待核对：<a class="review"[^>]*>1 笔/);
      const timeline = await admin(`/admin/orders/${orderId}`);
      const token = tokenOn(timeline.body);
      assert.ok(token, 'the timeline offers the form with its token');
      assert.match(
        timeline.body,
        new RegExp(`<form class="resolve" id="review-${tradeNo}" method="post" action="/admin/payments/${tradeNo}/resolve">`),
      );

      const done = await post(tradeNo, { _csrf: token, note: `  ${NOTE}\n` });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), `/admin/orders/${orderId}?resolved=${tradeNo}`);

      const row = await resolution(tradeNo);
      assert.equal(row.state, 'needs_review', 'the payment stays what it was: only its handling is recorded');
      assert.equal(row.resolved_by, ADMIN.user);
      assert.equal(row.resolution_note, NOTE);
      const resolvedAfterStart = new Date(row.resolved_at).getTime() - TEST_NOW.getTime();
      assert.ok(
        resolvedAfterStart >= 0 && resolvedAfterStart < 600_000,
        `resolved by the app's clock, ${resolvedAfterStart} ms after it started`,
      );
      assert.deepEqual(await auditRows(), [
        { actor: ADMIN.user, remote_address: '127.0.0.1', action: 'resolve_review', target: tradeNo, detail: NOTE },
      ]);

      const list = await admin('/admin/payments');
      assert.match(list.body, /待核对：<a class="review"[^>]*>0 笔/);
      assert.ok(list.body.includes(`已处理：订单已取消`));
      assert.ok(list.body.includes(`${ADMIN.user}（`) && list.body.includes(NOTE));
      assert.ok((await admin('/admin/payments?state=resolved')).body.includes(tradeNo));
      assert.ok(!(await admin('/admin/payments?state=needs_review')).body.includes(tradeNo));
      const csv = await admin('/admin/payments.csv');
      assert.match(csv.body, new RegExp(`${tradeNo},88\\.80,已取消,已处理,订单已取消,${NOTE},${ADMIN.user},\\d{4}-\\d{2}-\\d{2} `));
      const after = await admin(`/admin/orders/${orderId}?resolved=${tradeNo}`);
      assert.ok(after.body.includes('标记为已处理'), 'the notice');
      assert.match(after.body, /class="timeline-resolved"/);
      assert.ok(after.body.includes(`<dt>处理说明</dt><dd class="mono">${NOTE}</dd>`));
      assert.ok(!after.body.includes('<form class="resolve"'), 'no 已处理 form once handled');
      const audit = await admin('/admin/audit');
      assert.ok(audit.body.includes(NOTE) && audit.body.includes(tradeNo));
    });

    it('refuses a post without our token, with a wrong one, or from another site: 403, nothing written', async () => {
      // A token sent twice is refused too: which one would count?
      const { orderId, tradeNo } = await paymentKeptForReview();
      const token = tokenOn((await admin(`/admin/orders/${orderId}`)).body)!;
      const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
        ['no token', { note: NOTE }, {}],
        ['wrong token', { note: NOTE, _csrf: `${token.slice(0, -1)}x` }, {}],
        ['empty token', { note: NOTE, _csrf: '' }, {}],
        ['another site by Sec-Fetch-Site', { note: NOTE, _csrf: token }, { 'Sec-Fetch-Site': 'cross-site' }],
        ['a sibling site', { note: NOTE, _csrf: token }, { 'Sec-Fetch-Site': 'same-site' }],
        ['not a form', { note: NOTE, _csrf: token }, { 'Content-Type': 'text/plain' }],
        ['no page of ours (Sec-Fetch-Site: none)', { note: NOTE, _csrf: token }, { 'Sec-Fetch-Site': 'none' }],
      ];
      for (const [why, fields, headers] of attempts) {
        const refused = await post(tradeNo, fields, headers);
        assert.equal(refused.status, 403, why);
        assert.ok(refused.body.includes('请求来源无法验证'), why);
        assert.ok(refused.body.includes('支付管理后台'), `${why}: the admin layout`);
      }
      const twice = await admin(`/admin/payments/${tradeNo}/resolve`, {
        method: 'POST',
        body: `note=x&_csrf=${token}&_csrf=${token}`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(twice.status, 403, 'the token twice');
      const anonymous = await fetch(`${app.url}/admin/payments/${tradeNo}/resolve`, {
        method: 'POST',
        body: new URLSearchParams({ note: NOTE, _csrf: token }),
      });
      assert.equal(anonymous.status, 401);
      assert.equal((await resolution(tradeNo)).resolved_at, null);
      assert.deepEqual(await auditRows(), []);
    });

    it('takes a client that sends no Sec-Fetch-Site when the token is right', async () => {
      const { orderId, tradeNo } = await paymentKeptForReview();
      const token = tokenOn((await admin(`/admin/orders/${orderId}`)).body)!;
      const response = await admin(`/admin/payments/${tradeNo}/resolve`, {
        method: 'POST',
        body: new URLSearchParams({ note: NOTE, _csrf: token }).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(response.status, 303);
    });

    it('refuses an empty or oversized note, a second resolution and an applied payment, naming the problem', async () => {
      const { orderId, tradeNo } = await paymentKeptForReview();
      const token = tokenOn((await admin(`/admin/orders/${orderId}`)).body)!;
      for (const note of ['', '   \n ', '字'.repeat(501), 'a\u0000b']) {
        const refused = await post(tradeNo, { _csrf: token, note });
        assert.equal(refused.status, 400, JSON.stringify(note.slice(0, 10)));
        assert.ok(refused.body.includes('处理说明有误'));
      }
      assert.equal((await post(tradeNo, { _csrf: token, note: '字'.repeat(500) })).status, 303, '500 characters are allowed');
      const again = await post(tradeNo, { _csrf: token, note: NOTE });
      assert.equal(again.status, 409);
      assert.ok(again.body.includes(`<a class="back" href="/admin/payments?q=${tradeNo}">`), 'back to the payment');
      assert.ok(again.body.includes('无需处理'));
      assert.equal((await resolution(tradeNo)).resolution_note, '字'.repeat(500));

      const paid = newOrderId();
      await seedOrder(db.knex, paid, '1.00');
      await app.get(`/payment/status/?${alipay.signedQuery(returnParams(paid, '1.00', 'APPLIED1'))}`);
      assert.equal((await post('APPLIED1', { _csrf: token, note: NOTE })).status, 409);
      assert.equal((await post('NO-SUCH-TRADE', { _csrf: token, note: NOTE })).status, 409);
      assert.equal((await auditRows()).length, 1);
    });

    it('stores a note of 500 characters outside the BMP whole, in the payment and in the audit row', async () => {
      const { orderId, tradeNo } = await paymentKeptForReview();
      const token = tokenOn((await admin(`/admin/orders/${orderId}`)).body)!;
      const note = '😀'.repeat(500);
      assert.equal((await post(tradeNo, { _csrf: token, note })).status, 303);
      assert.equal((await resolution(tradeNo)).resolution_note, note);
      assert.equal((await auditRows())[0]?.detail, note);
    });

    it('keeps every other admin route read-only', async () => {
      const { orderId } = await paymentKeptForReview();
      const token = tokenOn((await admin(`/admin/orders/${orderId}`)).body)!;
      for (const path of ['/admin/payments', '/admin/payments.csv', '/admin/rejections', `/admin/orders/${orderId}`, '/admin/audit']) {
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
          const response = await admin(path, {
            method,
            body: new URLSearchParams({ _csrf: token }).toString(),
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          });
          assert.equal(response.status, 405, `${method} ${path}`);
        }
      }
      assert.deepEqual(await auditRows(), []);
    });
  });
}
