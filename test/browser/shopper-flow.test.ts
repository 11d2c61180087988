import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/bootstrap/server.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { browserUnavailable, launchChromium, SCREENSHOTS, signInToAdmin } from '../support/browser.ts';
import { elapsedMs } from '../support/clock.ts';
import { migratedEnv } from '../support/fresh-env.ts';
import { orderStatus, paymentRows } from '../support/test-app.ts';

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

interface Delivery {
  tradeNo: string;
  delivered: boolean;
  attempts: number;
}

describe('the shopper flow, offline, in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    // A fresh machine: no database, no keys.
    server = await startServer(loadConfig(await migratedEnv()), pino({ level: 'silent' }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function payButtons(): Promise<string[]> {
    await page.goto(`${server.url}/`);
    return page.locator('button[data-order-id]').evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.orderId!));
  }

  it('pays a demo order: home → 去支付 → cashier → 确认付款 → 订单支付成功', async () => {
    const orders = await payButtons();
    assert.equal(orders.length, 3, 'three demo orders on a fresh start');
    await shot('home');
    const orderId = orders[0]!;

    await page.locator(`button[data-order-id="${orderId}"]`).click();
    await page.waitForURL(/\/sandbox\/gateway\.do\?/);
    assert.equal(await page.locator('#order-id').innerText(), orderId);
    await shot('cashier');

    await page.getByRole('button', { name: '确认付款' }).click();
    await page.waitForURL(/\/payment\/status\/\?/);
    assert.equal(await page.locator('h1').innerText(), '订单支付成功');
    const tradeNo = await page.locator('.trade-id').innerText();
    assert.match(tradeNo, /^\d{8}22001\d{15}$/);
    await shot('success');

    const knex = server.database.knex;
    assert.equal(await orderStatus(knex, orderId), OrderStatus.UNCOMMENT);
    assert.equal((await paymentRows(knex, orderId)).length, 1);

    // Alipay's async notify arrives too, and changes nothing more.
    let delivery: Delivery | undefined;
    for (let i = 0; i < 100 && !delivery?.delivered; i++) {
      const deliveries = (await (await fetch(`${server.url}/sandbox/notifies`)).json()) as Delivery[];
      delivery = deliveries.find((d) => d.tradeNo === tradeNo);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(delivery?.delivered, true, 'the notify was answered with success');
    assert.deepEqual(
      (await paymentRows(knex, orderId)).map((row) => row.trade_id),
      [tradeNo],
    );
    assert.equal(await orderStatus(knex, orderId), OrderStatus.UNCOMMENT);

    await page.reload();
    assert.equal(await page.locator('h1').innerText(), '订单支付成功');
  });

  it('leaves the order UNPAID and goes back to the shop when the shopper presses 取消', async () => {
    const [orderId] = await payButtons();
    await page.locator(`button[data-order-id="${orderId}"]`).click();
    await page.waitForURL(/\/sandbox\/gateway\.do\?/);
    await page.getByRole('button', { name: '取消' }).click();
    await page.waitForURL(`${server.url}/`);
    await shot('cancelled');
    assert.equal(await orderStatus(server.database.knex, orderId), OrderStatus.UNPAID);
    assert.deepEqual(await paymentRows(server.database.knex, orderId!), []);
    assert.ok((await payButtons()).includes(orderId!));
  });

  it('shows Alipay-style 验签出错 for a tampered pay request', async () => {
    const [orderId] = await payButtons();
    const answer = (await (await fetch(`${server.url}/payment/${orderId}/`)).json()) as { alipay_url: string };
    const response = await page.goto(answer.alipay_url.replace(/total_amount%22%3A%22[0-9.]+/, 'total_amount%22%3A%220.01'));
    assert.equal(response?.status(), 400);
    await page.waitForSelector('text=验签出错');
    await shot('sandbox-invalid-signature');
  });

  /** 新建演示订单 on the demo shop: a fresh UNPAID Alipay order of this test's own. */
  async function newDemoOrder(): Promise<string> {
    const response = await fetch(`${server.url}/sandbox/orders`, { method: 'POST', redirect: 'manual' });
    assert.equal(response.status, 302);
    return new URL(response.headers.get('location')!, server.url).searchParams.get('placed')!;
  }

  const SHOP_SIDE_CHANGES = [
    { button: '取消订单', notice: '已取消', reason: '订单已取消' },
    { button: '改为货到付款', notice: '已改为货到付款', reason: '货到付款订单收到支付宝付款' },
    { button: '改金额', notice: '金额已修改', reason: '支付金额与订单金额不符' },
  ];
  for (const change of SHOP_SIDE_CHANGES) {
    it(`keeps a payment for review when the shop changes the order while its cashier is open: ${change.button}`, async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 700 }, locale: 'zh-CN' });
      try {
        const orderId = await newDemoOrder();
        const cashier = await context.newPage();
        await cashier.goto(`${server.url}/`);
        await cashier.locator(`button[data-order-id="${orderId}"]`).click();
        await cashier.waitForURL(/\/sandbox\/gateway\.do\?/);

        const shop = await context.newPage();
        await shop.goto(`${server.url}/sandbox/orders`);
        const changes = shop.locator('tr.order-changes').filter({ has: shop.locator(`form[action="/sandbox/orders/${orderId}"]`) });
        await changes.locator('summary').click();
        if (change.button === '改金额') await changes.getByLabel('新金额').fill('1.00');
        await changes.getByRole('button', { name: change.button }).click();
        await shop.waitForURL(/\/sandbox\/orders\?changed=/);
        assert.equal(await shop.locator('p.notice').innerText(), `订单 ${orderId} ${change.notice}。`);

        const [returned] = await Promise.all([
          cashier.waitForResponse((response) => response.url().includes('/payment/status/')),
          cashier.getByRole('button', { name: '确认付款' }).click(),
        ]);
        assert.equal(returned.status(), 409);
        await cashier.waitForLoadState();
        assert.equal(await cashier.locator('h1').innerText(), '支付需人工核对');
        assert.match(await cashier.locator('body').innerText(), new RegExp(change.reason));
        const [payment] = await paymentRows(server.database.knex, orderId);
        assert.equal(payment?.state, 'needs_review', 'the payment is recorded, never lost');
      } finally {
        await context.close();
      }
    });
  }

  const DEVICES = [
    {
      name: 'a phone at 375 px, through the wap cashier',
      viewport: { width: 375, height: 740 },
      userAgent: PHONE_UA,
      method: 'alipay.trade.wap.pay',
      cashier: 'cashier-wap',
    },
    {
      name: 'a desktop at 1440 px, through the page cashier',
      viewport: { width: 1440, height: 900 },
      userAgent: DESKTOP_UA,
      method: 'alipay.trade.page.pay',
      cashier: 'cashier-page',
    },
  ];
  for (const device of DEVICES) {
    it(`pays from ${device.name}: 去支付 → cashier → 确认付款 → 订单支付成功`, async () => {
      const context = await browser.newContext({ viewport: device.viewport, userAgent: device.userAgent, locale: 'zh-CN' });
      try {
        const orderId = await newDemoOrder();
        const tab = await context.newPage();
        await tab.goto(`${server.url}/`);
        await tab.locator(`button[data-order-id="${orderId}"]`).click();
        await tab.waitForURL(/\/sandbox\/gateway\.do\?/);
        assert.equal(new URL(tab.url()).searchParams.get('method'), device.method);
        assert.equal(await tab.locator('#order-id').innerText(), orderId);
        assert.equal(await tab.locator('body').getAttribute('class'), device.cashier);
        await tab.screenshot({ path: join(SCREENSHOTS, `${device.cashier}-${device.viewport.width}.png`), fullPage: true });

        await tab.getByRole('button', { name: '确认付款' }).click();
        await tab.waitForURL(/\/payment\/status\/\?/);
        assert.equal(new URL(tab.url()).searchParams.get('method'), `${device.method}.return`);
        assert.equal(await tab.locator('h1').innerText(), '订单支付成功');
        assert.ok(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll');
        await tab.screenshot({ path: join(SCREENSHOTS, `success-${device.viewport.width}.png`), fullPage: true });
        assert.equal(await orderStatus(server.database.knex, orderId), OrderStatus.UNCOMMENT);
      } finally {
        await context.close();
      }
    });
  }
});

// A server of its own: with a schedule this fast the query could race the return and the notify of
// the suite above, and this one's orders are asked about from its first half-second.
describe('an order paid with 付款但不回跳 is found by asking Alipay, in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  const ADMIN_PASSWORD = 'shopper-flow-admin-secret';
  const SILENT_TITLE = '已付款（回跳与通知均已丢弃）';
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  // The viewport, not the full page: these pictures go into the README.
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

  before(async () => {
    // 500ms,1s,2s would do on an idle machine; on a loaded one the shopper's clicks alone have taken
    // 1.6 s of those 2 s, so two later slots keep the last question after the payment.
    const env = await migratedEnv({ ALIPAY_QUERY_SCHEDULE: '500ms,1s,2s,4s,8s', ADMIN_PASSWORD });
    server = await startServer(loadConfig(env), pino({ level: 'silent' }));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    page = await context.newPage();
    await signInToAdmin(page, server.url, 'admin', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('pays without the return or the notify: the scheduler asks alipay.trade.query and records it (source query)', async (t) => {
    await page.goto(`${server.url}/`);
    const [orderId] = await page
      .locator('button[data-order-id]')
      .evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.orderId!));
    assert.ok(orderId, 'a demo order to pay');

    // 去支付 issues the pay URL, which anchors the schedule: Alipay is asked 500 ms, 1 s, 2 s… later.
    await page.locator(`button[data-order-id="${orderId}"]`).click();
    await page.waitForURL(/\/sandbox\/gateway\.do\?/);
    assert.equal(await page.locator('#order-id').innerText(), orderId);
    assert.deepEqual(await page.locator('.actions button').allInnerTexts(), ['确认付款', '付款但不回跳', '取消']);
    await shot('pay-silently-cashier');

    await page.getByRole('button', { name: '付款但不回跳' }).click();
    await page.waitForSelector(`h2:text-is("${SILENT_TITLE}")`);
    assert.equal(await page.title(), SILENT_TITLE);
    assert.equal(new URL(page.url()).pathname, '/sandbox/pay', 'the browser stays at the sandbox');
    assert.doesNotMatch(page.url(), /\/payment\/status\//);
    const tradeNo = await page.locator('dl.details dt:text-is("支付宝交易号") + dd').innerText();
    assert.match(tradeNo, /^\d{8}22001\d{15}$/);
    await shot('pay-silently-message');

    // Nobody tells the shop: it must find out by asking. Poll against a deadline, not a fixed sleep.
    const knex = server.database.knex;
    const deadline = elapsedMs() + 15_000;
    while ((await orderStatus(knex, orderId)) !== OrderStatus.UNCOMMENT) {
      if (elapsedMs() > deadline) {
        const events = await knex('tb_payment_event').where({ order_id: orderId }).orderBy('id').select('create_time', 'kind', 'summary');
        assert.fail(`order ${orderId} still ${await orderStatus(knex, orderId)} after 15 s; events: ${JSON.stringify(events)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // How long the shopper's clicks took: past the schedule's last slot (8 s), nobody would ask.
    const payUrl = await knex('tb_payment_event').where({ order_id: orderId, kind: 'pay_url' }).max('create_time as at').first();
    const trade = await knex('sandbox_alipay_trade').where({ trade_no: tradeNo }).first('gmt_payment');
    t.diagnostic(`paid ${new Date(trade.gmt_payment).getTime() - new Date(payUrl?.at).getTime()} ms after the pay URL was issued`);
    const rows = await paymentRows(knex, orderId);
    assert.deepEqual(
      rows.map(({ trade_id, source, state }) => ({ trade_id, source, state })),
      [{ trade_id: tradeNo, source: 'query', state: 'applied' }],
    );
    const deliveries = (await (await fetch(`${server.url}/sandbox/notifies`)).json()) as Delivery[];
    assert.deepEqual(
      deliveries.filter((d) => d.tradeNo === tradeNo),
      [],
      'the sandbox sent no notify for this trade',
    );
    const kinds = new Set(await knex('tb_payment_event').where({ order_id: orderId }).pluck('kind'));
    assert.deepEqual([...kinds].sort(), ['pay_url', 'query'], 'the shop heard of the payment only by asking');

    // The demo shop no longer offers it.
    await page.goto(`${server.url}/`);
    assert.equal(await page.locator(`button[data-order-id="${orderId}"]`).count(), 0);

    // Staff see where the payment came from.
    const admin = await page.goto(`${server.url}/admin/payments`);
    assert.equal(admin?.status(), 200);
    const row = page.locator('tbody tr', { hasText: orderId });
    assert.equal(await row.count(), 1);
    const cells = await row.locator('td').allInnerTexts();
    assert.ok(cells.includes('主动查询'), `source shown as 主动查询: ${cells.join(' | ')}`);
    assert.ok(cells.includes('待评价'), `order status shown as 待评价: ${cells.join(' | ')}`);
    assert.ok(cells.includes(tradeNo));
    await shot('pay-silently-admin-payments');

    // Its order id links to the order's timeline: the pay URL, the questions, the payment recorded.
    await row.getByRole('link', { name: orderId }).click();
    await page.waitForURL(`${server.url}/admin/orders/${orderId}`);
    const timeline = await page.locator('body').innerText();
    assert.match(timeline, /主动查询支付宝/);
    assert.match(timeline, /记录支付（主动查询）/);
    await page.screenshot({ path: join(SCREENSHOTS, 'pay-silently-admin-order.png'), fullPage: true });
  });
});
