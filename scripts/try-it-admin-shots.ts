// Regenerates the README "Try it" back-office screenshots (docs/try-it-cancelled-while-paying.png, docs/try-it-admin-*.png)
// against a real development server on a fresh data dir, in headless Chromium, and checks each step on the way.
//
//   node --import tsx scripts/try-it-admin-shots.ts
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../src/bootstrap/server.ts';
import { loadConfig } from '../src/infrastructure/config.ts';
import { freshEnv } from '../test/support/fresh-env.ts';

const ADMIN_PASSWORD = 'try-it-admin-secret';
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const problems: string[] = [];

/** The viewport; the whole page for an order's timeline, whose form and resolved entry sit below the fold. */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const path = `${DOCS}${name}.png`;
  await page.screenshot({ path, fullPage });
  console.log(`wrote ${path}`);
}

/** Console errors and uncaught exceptions, except the line Chromium logs for a page's own intended 4xx. */
function watch(page: Page): Page {
  page.on('console', (message) => {
    const ownStatus = message.text().startsWith('Failed to load resource') && message.location().url === page.url();
    if (message.type() === 'error' && !ownStatus) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  return page;
}

const env = freshEnv({ ADMIN_PASSWORD, RECONCILE_AT: 'off' });
const server = await startServer(loadConfig(env), pino({ level: 'silent' }));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    httpCredentials: { username: 'admin', password: ADMIN_PASSWORD },
  });

  // 1. One order, 去支付: the cashier opens. Meanwhile, in 我的订单, the shop cancels it. Then 确认付款.
  const [cashier, shop] = [watch(await context.newPage()), watch(await context.newPage())];
  await cashier.goto(`${server.url}/`);
  const orderId = await cashier.locator('button[data-order-id]').first().getAttribute('data-order-id');
  assert.ok(orderId, 'the demo shop lists an order');
  await cashier.locator(`button[data-order-id="${orderId}"]`).click();
  await cashier.waitForURL(/\/sandbox\/gateway\.do\?/);
  const amount = (await cashier.locator('dd.amount').innerText()).replace('¥', '');
  console.log(`order ${orderId}, ¥${amount}`);

  await shop.goto(`${server.url}/sandbox/orders`);
  const changes = shop.locator('tr.order-changes').filter({ has: shop.locator(`form[action="/sandbox/orders/${orderId}"]`) });
  await changes.locator('summary').click();
  await shot(shop, 'try-it-shop-order-changes');
  await changes.getByRole('button', { name: '取消订单' }).click();
  await shop.waitForURL(/changed=/);
  console.log(`shop: ${await shop.locator('p.notice').innerText()}`);

  const [response] = await Promise.all([
    cashier.waitForResponse((r) => r.url().includes('/payment/status/')),
    cashier.getByRole('button', { name: '确认付款' }).click(),
  ]);
  await cashier.waitForLoadState();
  const h1 = await cashier.locator('h1').innerText();
  console.log(`确认付款 → ${response.status()} ${h1}`);
  assert.deepEqual({ status: response.status(), h1 }, { status: 409, h1: '支付需人工核对' });
  assert.match(await cashier.locator('body').innerText(), /订单已取消/);
  await shot(cashier, 'try-it-cancelled-while-paying');

  // 2. The review queue.
  const admin = watch(await context.newPage());
  await admin.goto(`${server.url}/admin/payments`);
  assert.equal(await admin.locator('a.review').innerText(), '1 笔');
  const pending = admin.locator('tr.needs-review');
  assert.equal(await pending.count(), 1);
  console.log(
    `待核对 ${await admin.locator('a.review').innerText()}; highlighted row: ${(await pending.innerText()).replace(/\s+/g, ' ')}`,
  );
  await shot(admin, 'try-it-admin-review-queue');

  // 3. 去处理 → the timeline's form → 标记为已处理.
  await pending.getByRole('link', { name: '去处理' }).click();
  await admin.waitForURL(/\/admin\/orders\/\d+#review-/);
  await admin.getByLabel(/处理说明/).fill(`订单已取消，已在支付宝全额退款 ¥${amount}`);
  await shot(admin, 'try-it-admin-review-form', true);
  await admin.getByRole('button', { name: '标记为已处理' }).click();
  await admin.waitForURL(/\?resolved=/);
  console.log(`notice: ${await admin.locator('p.notice').innerText()}`);
  const resolved = admin.locator('li.timeline-resolved');
  assert.match(await resolved.innerText(), /已处理[\s\S]*已在支付宝全额退款/);
  console.log(`entry: ${(await resolved.innerText()).replace(/\s+/g, ' ')}`);
  await shot(admin, 'try-it-admin-review-done', true);

  // 4. 操作记录, then one day's totals.
  await admin.goto(`${server.url}/admin/audit`);
  console.log(`audit: ${(await admin.locator('tbody tr').first().innerText()).replace(/\s+/g, ' ')}`);
  await shot(admin, 'try-it-admin-audit');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  await admin.goto(`${server.url}/admin/payments?from=${today}&to=${today}`);
  console.log(`totals: ${(await admin.locator('table.daily tbody').innerText()).replace(/\s+/g, ' ')}`);
  await shot(admin, 'try-it-admin-totals');
} finally {
  await browser.close();
  await server.close();
  rmSync(dirname(env.DATA_DIR!), { recursive: true, force: true });
}
console.log(problems.length ? `console problems:\n${problems.join('\n')}` : 'no console errors');
process.exitCode = problems.length ? 1 : 0;
