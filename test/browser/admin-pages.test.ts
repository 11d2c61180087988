import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/bootstrap/server.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { KnexReconciliationStore } from '../../src/infrastructure/persistence/knex-reconciliation-store.ts';
import { KnexRejectionLog } from '../../src/infrastructure/persistence/knex-rejection-log.ts';
import { pooledSql } from '../../src/infrastructure/persistence/sql.ts';
import { SqlPaymentEventLog } from '../../src/infrastructure/persistence/sql-payment-event-log.ts';
import { anItem, aRun, counts } from '../contracts/reconciliation-store.contract.ts';
import { browserUnavailable, launchChromium, SCREENSHOTS, signInToAdmin } from '../support/browser.ts';
import { fixedClock, steadyClock } from '../support/clock.ts';
import { migratedEnv } from '../support/fresh-env.ts';
import { seedOrder } from '../support/test-app.ts';

const PASSWORD = 'browser-test-secret';

/**
 * What makes the page scroll sideways, measured in the page: its own width past the window's, and any
 * box past the window's edge that no scrolling container (a table that scrolls inside its card) holds.
 */
const OUTSIDE_THE_WINDOW = `(() => {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width) problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + width + ' px window');
  const scrolled = (element) => {
    for (let parent = element.parentElement; parent; parent = parent.parentElement)
      if (getComputedStyle(parent).overflowX !== 'visible') return true;
    return false;
  };
  for (const element of document.querySelectorAll('body *')) {
    const rect = element.getBoundingClientRect();
    if ((rect.width === 0 && rect.height === 0) || scrolled(element)) continue;
    if (rect.left < -0.5 || rect.right > width + 0.5)
      problems.push('<' + element.tagName.toLowerCase() + '.' + element.className + '> spans ' + Math.round(rect.left) + '..' + Math.round(rect.right) + ' px');
  }
  return problems;
})()`;

describe('the admin view in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  // The evil page's own script is its business; ours must never log an error.
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    // The server's clock starts at the suite's instant: the dated rows below stay within its retention on any day.
    server = await startServer(
      loadConfig(await migratedEnv({ ADMIN_PASSWORD: PASSWORD, RECONCILE_AT: 'off' })),
      pino({ level: 'silent' }),
      {
        clock: steadyClock(),
      },
    );
    const knex = server.database.knex;
    for (let i = 1; i <= 7; i++) {
      const orderId = `2026112610000000000000${i}`;
      await seedOrder(knex, orderId, `${i}88.00`, i === 3 ? 6 : 4);
      await knex('tb_payment').insert({
        order_id: orderId,
        trade_id: i === 5 ? '<script>alert(1)</script>' : `20261126220014000000000000${i}`,
        amount: `${i}88.00`,
        source: i % 2 ? 'return' : 'notify',
        state: i === 3 ? 'needs_review' : 'applied',
        review_reason: i === 3 ? 'ORDER_CANCELED' : null,
        create_time: new Date(Date.parse('2026-11-26T02:00:00Z') + i * 60_000),
      });
    }
    await fetch(`${server.url}/payment/status/?out_trade_no=1&trade_no=2&sign=AAAA&sign_type=RSA2`);
    browser = await launchChromium();
    page = await (
      await browser.newContext({
        acceptDownloads: true,
        viewport: { width: 1400, height: 800 },
      })
    ).newPage();
    page.on('console', (message) => {
      // A page answered with 404 or 403 on purpose logs its own status; anything it then loads must not fail.
      const ownStatus = message.text().startsWith('Failed to load resource') && message.location().url === page.url();
      if (message.type() === 'error' && !ownStatus) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    await signInToAdmin(page, server.url, 'admin', PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('logs in and lists payments, the one needing review highlighted, the hostile one as text', async () => {
    const response = await page.goto(`${server.url}/admin/payments`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('tbody tr').count(), 7);
    assert.equal(await page.locator('a.review').innerText(), '1 笔');
    assert.match(await page.locator('tr.needs-review').innerText(), /待核对：订单已取消/);
    assert.ok(await page.getByText('<script>alert(1)</script>').isVisible());
    await shot('admin-payments');
  });

  it('searches by trade no', async () => {
    await page.goto(`${server.url}/admin/payments`);
    await page.getByLabel('订单号或交易号').fill('202611262200140000000000004');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/q=202611262200140000000000004/);
    assert.equal(await page.locator('tbody tr').count(), 1);
    await shot('admin-search');
  });

  it('pages with 下一页 and 上一页', async () => {
    await page.goto(`${server.url}/admin/payments?limit=3`);
    const first = await page.locator('tbody tr td:first-child').allInnerTexts();
    await page.getByRole('link', { name: '下一页' }).click();
    const second = await page.locator('tbody tr td:first-child').allInnerTexts();
    assert.equal(second.length, 3);
    assert.ok(Number(second[0]) < Number(first[2]));
    await shot('admin-page-2');
    await page.getByRole('link', { name: '上一页' }).click();
    assert.deepEqual(await page.locator('tbody tr td:first-child').allInnerTexts(), first);
  });

  it('downloads the CSV', async () => {
    await page.goto(`${server.url}/admin/payments?state=applied`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'payments.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.startsWith('\uFEFFID,订单号'));
    assert.equal(csv.trimEnd().split('\r\n').length, 1 + 6);
  });

  it('shows the refused return on /admin/rejections', async () => {
    await page.goto(`${server.url}/admin/rejections`);
    assert.match(await page.locator('tbody').innerText(), /签名无效/);
    await shot('admin-rejections');
  });

  it("shows a day's reconciliation: the summary, then the discrepancies, each order linking to its timeline", async () => {
    const store = new KnexReconciliationStore(server.database.knex);
    const order = (i: number) => `2026112910000000000${String(i).padStart(4, '0')}`;
    const trade = (i: number) => `2026112922001400000000${String(i).padStart(6, '0')}`;
    const matched = Array.from({ length: 6 }, (_, i) =>
      anItem('matched', order(i + 1), { tradeNo: trade(i + 1), localAmountFen: 18_800 + i * 10_000, billAmountFen: 18_800 + i * 10_000 }),
    );
    const items = [
      ...matched,
      anItem('repaired', order(7), {
        tradeNo: trade(7),
        localAmountFen: 68_800,
        billAmountFen: 68_800,
        detail: `alipay.trade.query: trade_status=TRADE_SUCCESS trade_no=${trade(7)} total_amount=688.00: payment recorded`,
      }),
      anItem('missing_locally', order(8), {
        tradeNo: trade(8),
        localAmountFen: null,
        billAmountFen: 29_900,
        detail: 'alipay.trade.query: trade_status=WAIT_BUYER_PAY total_amount=299.00',
      }),
      anItem('amount_mismatch', order(9), {
        tradeNo: trade(9),
        localAmountFen: 38_800,
        billAmountFen: 37_800,
        detail: '',
      }),
      anItem('missing_in_bill', order(10), {
        tradeNo: trade(10),
        localAmountFen: 9_900,
        billAmountFen: null,
        detail: '本地于 2026-11-29 15:02:11 记录，账单中没有这笔交易',
      }),
      anItem('unknown_order', '<script>alert(1)</script>', {
        tradeNo: trade(11),
        localAmountFen: null,
        billAmountFen: 100,
        detail: '商户订单号不是本店的订单',
      }),
      anItem('refund_matched', order(2), {
        tradeNo: trade(2),
        localAmountFen: -28_800,
        billAmountFen: -28_800,
        detail: '退款批次号 RF20261129001',
        refundNo: 'RF20261129001',
      }),
      anItem('refund_unknown', order(3), {
        tradeNo: trade(3),
        localAmountFen: null,
        billAmountFen: -5_000,
        detail: '退款批次号 2026112921001004000000000002',
        refundNo: '2026112921001004000000000002',
      }),
    ];
    await store.save(
      aRun('2026-11-29', {
        counts: counts({
          matched: 6,
          repaired: 1,
          missing_locally: 1,
          amount_mismatch: 1,
          missing_in_bill: 1,
          unknown_order: 1,
          refund_matched: 1,
          refund_unknown: 1,
        }),
        billTotals: { trades: { count: 10, amountFen: 2_518_300 }, refunds: { count: 2, amountFen: -33_800 } },
        localTotals: { count: 9, amountFen: 2_473_500 },
        deferred: 1,
        problems: ['第 19 行：订单金额（元） "abc" is not an amount'],
      }),
      items,
    );
    await store.save(aRun('2026-11-28', { counts: counts({ matched: 4 }) }), []);

    await page.goto(`${server.url}/admin/reconciliation`);
    assert.deepEqual(await page.locator('tbody tr td:first-child').allInnerTexts(), ['2026-11-29', '2026-11-28']);
    await shot('admin-reconciliation');
    await page.getByRole('link', { name: '2026-11-29' }).click();
    await page.waitForURL(`${server.url}/admin/reconciliation/2026-11-29`);
    assert.deepEqual((await page.locator('tbody tr td:first-child').allInnerTexts()).slice(0, 7), [
      '退款相符',
      '未知退款',
      '已补录',
      '本地缺失',
      '金额不符',
      '账单缺失',
      '未知订单',
    ]);
    assert.equal(await page.locator('tr.needs-review').count(), 5);
    assert.ok(await page.getByText('<script>alert(1)</script>').isVisible());
    await shot('admin-reconciliation-day');
    await page.getByRole('link', { name: order(9) }).click();
    await page.waitForURL(`${server.url}/admin/orders/${order(9)}`);
  });

  // Last: it adds a payment, which the counts above do not expect.
  it("opens an order's timeline from the payments list: the order, then each event oldest first", async () => {
    const knex = server.database.knex;
    const orderId = '20261126100000000000001';
    const at = (time: string) => new Date(`2026-11-26T${time}Z`);
    const events = new SqlPaymentEventLog(knex, pooledSql(knex));
    await events.append({ orderId, at: at('01:59:00'), kind: 'pay_url', summary: 'pay URL issued for ¥188.00' });
    await events.append({ orderId, at: at('01:59:30'), kind: 'query', summary: 'trade_status=WAIT_BUYER_PAY total_amount=188.00' });
    const rejections = new KnexRejectionLog(
      knex,
      { maxRows: 100, maxAgeDays: 36_500 },
      fixedClock(at('02:00:30')),
      pino({ level: 'silent' }),
    );
    // One of Alipay's own, refused for what it is; and a forgery, counted under the timeline, not in it.
    await rejections.record({
      at: at('02:00:30'),
      channel: 'notify',
      reason: 'WRONG_CHANNEL',
      detail: 'not a notify: notify_type "batch_trans_notify" is not trade_status_sync',
      remoteAddress: '203.0.113.7',
      outTradeNo: orderId,
      tradeNo: '2026112622001400000000000001',
      params: '{}',
      raw: new Uint8Array(0),
      diagnosis: null,
    });
    await rejections.record({
      at: at('02:00:40'),
      channel: 'return',
      reason: 'INVALID_SIGNATURE',
      detail: 'invalid signature: does not verify (unknown_key)',
      remoteAddress: '203.0.113.8',
      outTradeNo: orderId,
      tradeNo: 'FORGED',
      params: '{}',
      raw: new Uint8Array(0),
      diagnosis: 'unknown_key',
    });
    await events.append({ orderId, at: at('02:01:05'), kind: 'notify', summary: 'trade_status=TRADE_SUCCESS: already recorded' });
    await knex('tb_payment').insert({
      order_id: orderId,
      trade_id: '2026112622001400000000000099',
      amount: '188.00',
      source: 'query',
      state: 'needs_review',
      review_reason: 'ALREADY_PAID',
      create_time: at('02:30:00'),
    });
    await events.append({
      orderId,
      at: at('02:29:59'),
      kind: 'query',
      summary: 'trade_status=TRADE_SUCCESS trade_no=2026112622001400000000000099 total_amount=188.00: payment kept for review',
    });

    await page.goto(`${server.url}/admin/payments?q=${orderId}`);
    await page.getByRole('link', { name: orderId }).first().click();
    await page.waitForURL(`${server.url}/admin/orders/${orderId}`);
    assert.match(await page.locator('dl.details').innerText(), /¥188\.00[\s\S]*待评价[\s\S]*支付宝/);
    const times = await page.locator('.timeline-time').allInnerTexts();
    assert.deepEqual(times, [
      '2026-11-26 09:59:00',
      '2026-11-26 09:59:30',
      '2026-11-26 10:00:30',
      '2026-11-26 10:01:00',
      '2026-11-26 10:01:05',
      '2026-11-26 10:29:59',
      '2026-11-26 10:30:00',
    ]);
    assert.deepEqual(await page.locator('.timeline-title').allInnerTexts(), [
      '生成支付链接',
      '主动查询支付宝',
      '拒绝异步通知',
      '记录支付（同步返回）',
      '收到异步通知',
      '主动查询支付宝',
      '记录支付（主动查询）',
    ]);
    assert.match(await page.locator('li.timeline-needs-review').innerText(), /待核对：订单已由其他交易支付/);
    assert.match(await page.locator('p.timeline-unverified').innerText(), /另有 1 次提到此订单、但签名未通过验证的回调/);
    await shot('admin-order-timeline');

    const unknown = await page.goto(`${server.url}/admin/orders/20990101000000000000000`);
    assert.equal(unknown?.status(), 404);
    assert.equal(await page.locator('h1').innerText(), '订单不存在');
    await shot('admin-order-unknown');
  });

  it('marks the payment kept for review 已处理 from the list, through its timeline; the counter drops and the note shows', async () => {
    await page.goto(`${server.url}/admin/payments?state=needs_review`);
    const waiting = Number((await page.locator('a.review').innerText()).replace(/\D/g, ''));
    await page.locator('tr', { hasText: '订单已取消' }).getByRole('link', { name: '去处理' }).click();
    await page.waitForURL(/\/admin\/orders\/20261126100000000000003#review-/);
    await page.getByLabel(/处理说明/).fill('已在支付宝全额退款，订单保持已取消');
    await shot('admin-review-form');
    await page.getByRole('button', { name: '标记为已处理' }).click();
    await page.waitForURL(/\?resolved=/);
    assert.match(await page.locator('p.notice').innerText(), /标记为已处理/);
    assert.match(await page.locator('li.timeline-resolved').innerText(), /已处理：订单已取消[\s\S]*已在支付宝全额退款/);
    await shot('admin-review-resolved');
    await page.goto(`${server.url}/admin/payments`);
    assert.equal(await page.locator('a.review').innerText(), `${waiting - 1} 笔`);
    assert.match(await page.locator('tr', { hasText: '订单已取消' }).innerText(), /已处理[\s\S]*已在支付宝全额退款/);
    await page.goto(`${server.url}/admin/audit`);
    assert.match(await page.locator('tbody tr').first().innerText(), /admin[\s\S]*标记为已处理[\s\S]*已在支付宝全额退款/);
    await shot('admin-audit');
  });

  it('refuses a form another site makes the signed-in browser post: the session cookie stays home, a stolen token does not help', async () => {
    const trade = '2026112622001400000000000099';
    const timeline = await fetch(`${server.url}/admin/orders/20261126100000000000001`, {
      headers: { Authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
    });
    const token = (await timeline.text()).match(/name="_csrf" value="([^"]+)"/)?.[1];
    const evil = createServer((request, response) => {
      const withToken = request.url?.includes('stolen');
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(`<form id="f" method="post" action="${server.url}/admin/payments/${trade}/resolve">
        <input name="note" value="pwned">${withToken ? `<input name="_csrf" value="${token}">` : ''}</form>
        <script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}`;
    try {
      assert.ok(token, 'a pending payment offers its form');
      for (const path of ['/', '/stolen']) {
        await page.goto(evilUrl + path);
        // SameSite=Strict: the browser does not send the session with another site's post, so no one is signed in.
        await page.waitForURL(/\/admin\/login\?next=/);
        assert.match(await page.locator('h1').innerText(), /登录支付管理后台/, path);
      }
      const row = await server.database.knex('tb_payment').where({ trade_id: trade }).first('resolved_at');
      assert.equal(row.resolved_at, null, 'nothing was written');
    } finally {
      evil.close();
    }
    await shot('admin-cross-site-refused');
    await signInToAdmin(page, server.url, 'admin', PASSWORD);
  });

  /** Every admin page, with the data the tests above left: tables, a timeline, totals, an error or two. */
  const ADMIN_PAGES: ReadonlyArray<readonly [name: string, path: string]> = [
    ['payments', '/admin/payments?from=2026-11-26&to=2026-11-26'],
    ['order-timeline', '/admin/orders/20261126100000000000001'],
    ['rejections', '/admin/rejections'],
    ['reconciliation', '/admin/reconciliation'],
    ['reconciliation-day', '/admin/reconciliation/2026-11-29'],
    ['audit', '/admin/audit'],
    ['not-found', '/admin/no-such-page'],
    ['reversed-range', '/admin/payments?q=2026&from=2026-11-27&to=2026-11-26'],
  ];

  for (const width of [375, 1440]) {
    it(`fits every admin page at ${width} px: no sideways page scroll, the bar wraps, a wide table scrolls inside its card`, async () => {
      await page.setViewportSize({ width, height: 800 });
      const failures: string[] = [];
      try {
        for (const [name, path] of ADMIN_PAGES) {
          await page.goto(server.url + path);
          for (const link of await page.locator('header.bar .menu a').all()) {
            const box = (await link.boundingBox())!;
            if (box.height >= 30) failures.push(`${name}: ${await link.innerText()} takes more than one line (${box.height} px high)`);
          }
          failures.push(...((await page.evaluate(OUTSIDE_THE_WINDOW)) as string[]).map((problem) => `${name}: ${problem}`));
          await shot(`admin-${name}-${width}`);
        }
      } finally {
        await page.setViewportSize({ width: 1400, height: 800 });
      }
      assert.deepEqual(failures, []);
    });
  }

  it('logged no console error or CSP violation on any admin page', () => {
    assert.deepEqual(problems, []);
  });
});
