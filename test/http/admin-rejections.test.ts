import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import pino from 'pino';
import type { Rejection } from '../../src/application/ports/rejection-log.ts';
import { KnexRejectionLog } from '../../src/infrastructure/persistence/knex-rejection-log.ts';
import { createTestAlipay, newOrderId } from '../support/alipay-signer.ts';
import { fixedClock, fromTestNow } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { ADMIN, type RunningApp, seedOrder, startTestApp } from '../support/test-app.ts';

const alipay = createTestAlipay();
// Always the right credentials: wrong ones would count towards the login throttle.
const AUTHORIZATION = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
const RETENTION = { maxRows: 1_000, maxAgeDays: 30 };

/** The Beijing date `days` after the suite's, as the date inputs send it: within retention of the app's clock. */
const beijingDay = (days: number) =>
  fromTestNow(8 * 3_600_000 + days * 86_400_000)
    .toISOString()
    .slice(0, 10);
const inBeijing = (day: string, time: string) => new Date(`${day}T${time}+08:00`);
const DAY = beijingDay(-2);
const DAY_BEFORE = beijingDay(-3);
const DAY_AFTER = beijingDay(-1);

const rejection = (tradeNo: string, extra: Partial<Rejection>): Rejection => ({
  at: inBeijing(DAY, '12:00:00'),
  channel: 'return',
  reason: 'INVALID_SIGNATURE',
  detail: 'invalid signature: does not verify',
  remoteAddress: '203.0.113.7',
  outTradeNo: null,
  tradeNo,
  params: '{}',
  // Each message its own signature, as Alipay's are (the log keeps a signed message once).
  raw: new TextEncoder().encode(`trade_no=${tradeNo}&sign=${encodeURIComponent(Buffer.from(`signature ${tradeNo}`).toString('base64'))}`),
  diagnosis: null,
  ...extra,
});

for (const harness of databaseHarnesses) {
  describe(`the admin's rejections on ${harness.name}`, () => {
    let db: TestDatabase;
    let app: RunningApp;
    let log: KnexRejectionLog;
    const admin = async (path: string) => {
      const response = await fetch(app.url + path, { headers: { Authorization: AUTHORIZATION } });
      // Decoded by hand: fetch's text() would drop the BOM the CSV test looks for.
      const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
      return { status: response.status, headers: response.headers, body };
    };
    const listed = async (query: string) => {
      const { status, body } = await admin(`/admin/rejections?${query}`);
      assert.equal(status, 200, query);
      return [...body.matchAll(/<td class="mono">(RJ\d+)<\/td>/g)].map((match) => match[1]);
    };
    const href = (body: string, selector: string) =>
      body.match(new RegExp(`<a class="${selector}" href="([^"]+)"`))?.[1]?.replace(/&amp;/g, '&');

    /** Around one Beijing day: one just before it, three in it, one just after, on both channels and two reasons. */
    async function recordAroundADay(): Promise<void> {
      await log.record(rejection('RJ1', { at: inBeijing(DAY_BEFORE, '23:59:59') }));
      await log.record(rejection('RJ2', { at: inBeijing(DAY, '00:00:00'), channel: 'notify' }));
      await log.record(rejection('RJ3', { at: inBeijing(DAY, '12:00:00'), reason: 'ORDER_NOT_FOUND' }));
      await log.record(rejection('RJ4', { at: inBeijing(DAY, '23:59:59'), channel: 'notify', reason: 'ORDER_NOT_FOUND' }));
      await log.record(rejection('RJ5', { at: inBeijing(DAY_AFTER, '00:00:00'), channel: 'notify', reason: 'ORDER_NOT_FOUND' }));
    }

    before(async () => {
      db = await harness.open();
      app = await startTestApp({ knex: db.knex, alipayPublicKeyPem: alipay.publicKeyPem, rejections: RETENTION });
      log = new KnexRejectionLog(db.knex, RETENTION, fixedClock(), pino({ level: 'silent' }));
    });
    after(async () => {
      await app.close();
      await db.close();
    });
    beforeEach(async () => {
      await db.truncate();
      await db.knex.raw('TRUNCATE tb_payment_rejection');
    });

    it('filters by Beijing dates, channel and reason, and by all of them at once', async () => {
      await recordAroundADay();
      assert.deepEqual(await listed(''), ['RJ5', 'RJ4', 'RJ3', 'RJ2', 'RJ1']);
      assert.deepEqual(await listed(`from=${DAY}&to=${DAY}`), ['RJ4', 'RJ3', 'RJ2']);
      assert.deepEqual(await listed(`from=${DAY_AFTER}`), ['RJ5']);
      assert.deepEqual(await listed(`to=${DAY_BEFORE}`), ['RJ1']);
      assert.deepEqual(await listed('channel=notify'), ['RJ5', 'RJ4', 'RJ2']);
      assert.deepEqual(await listed('channel=return'), ['RJ3', 'RJ1']);
      assert.deepEqual(await listed('reason=ORDER_NOT_FOUND'), ['RJ5', 'RJ4', 'RJ3']);
      assert.deepEqual(await listed(`channel=notify&reason=ORDER_NOT_FOUND&from=${DAY}&to=${DAY}`), ['RJ4']);
      assert.deepEqual(await listed('q=RJ4&channel=notify'), ['RJ4']);
      assert.deepEqual(await listed('q=RJ4&channel=return'), []);
    });

    it('offers the filters in Chinese, 全部 by default, and echoes the chosen ones', async () => {
      const plain = (await admin('/admin/rejections')).body;
      assert.match(plain, /<select name="channel"><option value="" selected>全部<\/option>/);
      assert.match(plain, /<select name="reason"><option value="" selected>全部<\/option>/);
      for (const option of ['<option value="return">同步返回</option>', '<option value="notify">异步通知</option>'])
        assert.ok(plain.includes(option), option);
      assert.ok(plain.includes('<option value="ORDER_NOT_FOUND">订单不存在</option>'));
      assert.ok(plain.includes('<option value="SIGNATURE_REPAIRED">签名修复后接受</option>'));
      assert.ok(plain.includes('<input type="date" name="from" value="">'));
      const chosen = (await admin(`/admin/rejections?channel=notify&reason=WRONG_CHANNEL&from=${DAY}&to=${DAY_AFTER}`)).body;
      assert.ok(chosen.includes('<option value="notify" selected>异步通知</option>'));
      assert.ok(chosen.includes('<option value="WRONG_CHANNEL" selected>消息类型不符</option>'));
      assert.ok(chosen.includes(`<input type="date" name="from" value="${DAY}">`));
      assert.ok(chosen.includes(`<input type="date" name="to" value="${DAY_AFTER}">`));
      assert.match(chosen, /没有符合条件的拒绝记录/);
    });

    it('pages within the filter, and keeps it in 下一页, 上一页 and the CSV link', async () => {
      await recordAroundADay();
      const first = await admin('/admin/rejections?channel=notify&reason=ORDER_NOT_FOUND&limit=1');
      const next = href(first.body, 'next')!;
      assert.match(next, /channel=notify/);
      assert.match(next, /reason=ORDER_NOT_FOUND/);
      const second = await admin(next);
      assert.deepEqual(await listed(next.split('?')[1]!), ['RJ4']);
      const previous = href(second.body, 'previous')!;
      assert.match(previous, /channel=notify&reason=ORDER_NOT_FOUND/);
      assert.deepEqual(await listed(previous.split('?')[1]!), ['RJ5']);
      const csv = href(first.body, 'csv')!;
      assert.equal(csv, '/admin/rejections.csv?channel=notify&reason=ORDER_NOT_FOUND');
      const dated = href((await admin(`/admin/rejections?q=RJ&from=${DAY}&to=${DAY}&limit=2`)).body, 'csv');
      assert.equal(dated, `/admin/rejections.csv?q=RJ&from=${DAY}&to=${DAY}`, 'the export takes every row, not one page');
    });

    it('answers a bad channel, reason, date or q with 400, on the page and the CSV', async () => {
      for (const query of [
        'channel=query',
        'channel=NOTIFY',
        'channel=a&channel=b',
        'reason=nope',
        'reason=constructor',
        'reason=invalid_signature',
        'from=2026-02-31',
        'to=yesterday',
        'from=0000-01-01',
        'q=%00',
        'q=RJ%00',
      ]) {
        for (const path of ['/admin/rejections', '/admin/rejections.csv']) {
          const response = await admin(`${path}?${query}`);
          assert.equal(response.status, 400, `${path}?${query}`);
          assert.match(response.body, /查询参数错误/);
        }
      }
    });

    it('gets no 5xx whatever the filter values, on the page and the CSV', async () => {
      await recordAroundADay();
      const hostile = fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.constantFrom('constructor', '__proto__', 'query', '%', '_', '\u0000', 'RJ\u0000', '0000-01-01', '2026-02-29', '99999-01-01'),
      );
      // Mostly values a form could send, so that a hostile one is often the only one and reaches the database.
      const mostly = (...valid: string[]) =>
        fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 3 }, { arbitrary: hostile, weight: 1 });
      const days = ['', DAY, DAY_BEFORE, '0001-01-01', '9999-12-31'];
      const query = fc
        .record(
          {
            q: mostly('', 'RJ', 'RJ4', '%'),
            from: mostly(...days),
            to: mostly(...days),
            channel: mostly('', 'return', 'notify'),
            reason: mostly('', 'ORDER_NOT_FOUND', 'SIGNATURE_REPAIRED'),
            limit: mostly('', '1', '200'),
          },
          { requiredKeys: [] },
        )
        .map((params) => new URLSearchParams(params as Record<string, string>).toString());
      const targets = fc.sample(fc.tuple(fc.constantFrom('/admin/rejections', '/admin/rejections.csv'), query), 300);
      const failures: string[] = [];
      for (const [path, q] of targets) {
        const { status } = await admin(`${path}?${q}`);
        if (status >= 500) failures.push(`${path}?${q} -> ${status}`);
      }
      assert.deepEqual(failures, []);
    });

    it('exports every matching row as CSV, with a BOM, Chinese labels and formulas neutralised', async () => {
      for (let n = 1; n <= 110; n++) await log.record(rejection(`RJ${n}`, { channel: n % 2 ? 'return' : 'notify' }));
      await log.record(
        rejection('RJ99', {
          channel: 'notify',
          reason: 'ORDER_NOT_FOUND',
          detail: '=HYPERLINK("http://evil")',
          remoteAddress: '@SUM(1+1)',
          params: '{"subject":"+1,2"}',
          diagnosis: 'unknown_key',
        }),
      );
      const response = await admin('/admin/rejections.csv?channel=notify');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="rejections.csv"/);
      const lines = response.body.trimEnd().split('\r\n');
      assert.equal(lines[0], '\uFEFF时间（北京时间）,渠道,原因,详情,签名诊断,重放结果,来源地址,订单号,交易号,参数');
      assert.equal(lines.length, 1 + 56, 'every notify, more than a page holds, and no return');
      assert.ok(lines.slice(1).every((line) => line.split(',')[1] === '异步通知'));
      assert.match(lines[1]!, new RegExp(`^${DAY} 12:00:00,异步通知,订单不存在,`));
      // The detail in Chinese, as the page shows it: a line no rule knows is kept after 原文, never run as a formula.
      assert.ok(lines[1]!.includes(`,"原文：=HYPERLINK(""http://evil"")",`), lines[1]);
      assert.ok(lines[1]!.includes(",'@SUM(1+1),"), lines[1]);
      assert.ok(lines[1]!.includes('unknown_key：任何已知密钥都无法验签'), lines[1]);
      assert.ok(lines[1]!.endsWith(',RJ99,"{""subject"":""+1,2""}"'), lines[1]);
      assert.ok(!response.body.includes('c2ln'), 'no signature in the export');
      const none = await admin('/admin/rejections.csv?reason=WRONG_CHANNEL');
      assert.equal(none.body.trimEnd().split('\r\n').length, 1, 'a header alone when nothing matches');
    });

    it('links the out_trade_no to the order only when the order is ours', async () => {
      const ours = newOrderId();
      const lookalike = newOrderId();
      await seedOrder(db.knex, ours, '88.80');
      await log.record(rejection('RJ1', { outTradeNo: ours }));
      await log.record(rejection('RJ2', { outTradeNo: lookalike }));
      const { body } = await admin('/admin/rejections');
      assert.ok(body.includes(`<td class="mono"><a href="/admin/orders/${ours}">${ours}</a></td>`));
      assert.ok(body.includes(`<td class="mono">${lookalike}</td>`), 'shaped like an order id, but not one of ours');
      assert.ok(!body.includes(`/admin/orders/${lookalike}`));
    });
  });
}
