import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/bootstrap/server.ts';
import { ReviewReason } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createTestAlipay, newOrderId, returnParams } from '../support/alipay-signer.ts';
import { appPublicKeyPem } from '../support/app-keys.ts';
import { adminShots, browserUnavailable, launchChromium, signInToAdmin } from '../support/browser.ts';
import { TEST_NOW } from '../support/clock.ts';
import { FakeAlipayGateway, paidAnswer } from '../support/fake-alipay-gateway.ts';
import { FakeBillServer } from '../support/fake-bill-server.ts';
import { migratedEnv } from '../support/fresh-env.ts';
import { MemoryTables, type RunningApp, startTestApp } from '../support/test-app.ts';
import { billZip, crlf, detailText, gbk } from '../support/trade-bill-fixtures.ts';

const alipay = createTestAlipay();
const DAY = '2026-11-25';
const URL_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
const OPERATOR = { name: 'li.wei', password: 'li-wei-password-1' };
const VIEWER = { name: 'zhang.min', password: 'zhang-min-password' };

describe('the admin actions in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  const tables = new MemoryTables();
  const bills = new FakeBillServer();
  let gateway: FakeAlipayGateway;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    await bills.start();
    bills.body = billZip(gbk(crlf(detailText({ day: DAY, lines: [] }))), { day: DAY.replaceAll('-', '') });
    gateway.answer = (call) =>
      call.params.method === 'alipay.trade.query'
        ? { body: gateway.signedQueryAnswer(paidAnswer(call.outTradeNo, '88.80', '2026112522001400000000000042')) }
        : { body: gateway.signedAnswer(URL_KEY, { code: '10000', msg: 'Success', bill_download_url: bills.url(DAY) }) };
    app = await startTestApp({
      memory: tables.store,
      alipayPublicKeyPem: alipay.publicKeyPem,
      openApiGatewayUrl: gateway.url,
      reconcileAtMinutes: 570,
    });
    browser = await launchChromium();
    await tables.addOperator(OPERATOR.name, 'operator', OPERATOR.password);
    await tables.addOperator(VIEWER.name, 'viewer', VIEWER.password);
    page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.on('console', (message) => {
      // A day never reconciled answers 404 on purpose, and logs its own status; nothing else may fail.
      const ownStatus = message.text().startsWith('Failed to load resource') && message.location().url === page.url();
      if (message.type() === 'error' && !ownStatus) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await gateway?.close();
    await bills.close();
  });

  it('signs a named operator in at /admin/login, who lands where they were going', async () => {
    await page.goto(`${app.url}/admin/audit`);
    await page.waitForURL(/\/admin\/login\?next=%2Fadmin%2Faudit/);
    await adminShots(page, 'admin-sign-in');
    await page.getByLabel('账号').fill(OPERATOR.name);
    await page.getByLabel('密码').fill('wrong-password-here');
    await page.getByRole('button', { name: '登录' }).click();
    assert.match(await page.locator('.problem').innerText(), /账号或密码错误/);
    await adminShots(page, 'admin-sign-in-refused');
    await page.getByLabel('密码').fill(OPERATOR.password);
    await Promise.all([page.waitForURL(/\/admin\/audit$/), page.getByRole('button', { name: '登录' }).click()]);
    assert.match(await page.locator('header .user').innerText(), /li\.wei（操作员）/);
  });

  it('查单: asks Alipay from the timeline and shows its answer above it', async () => {
    const orderId = newOrderId();
    tables.seedOrder(orderId, '88.80');
    await page.goto(`${app.url}/admin/orders/${orderId}`);
    await page.getByRole('button', { name: '查单' }).click();
    await page.waitForSelector('.action-notice');
    assert.match(await page.locator('.action-notice h2').innerText(), /向支付宝查单：已支付/);
    assert.equal(tables.payments(orderId).length, 1);
    await adminShots(page, 'admin-action-query');
  });

  it('重放: one callback from its row, then all the filter shows once confirmed', async () => {
    const orderIds = [newOrderId(), newOrderId()];
    for (const [n, orderId] of orderIds.entries()) {
      await app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80', `2026112622001400000000000${n}7`))}`);
      tables.seedOrder(orderId, '88.80');
    }
    await page.goto(`${app.url}/admin/rejections`);
    await page.getByRole('button', { name: '重放' }).first().click();
    await page.waitForSelector('.action-notice');
    assert.match(await page.locator('.action-notice').innerText(), /检查 1 条：恢复 1 条/);
    await adminShots(page, 'admin-action-replay-one');
    await page.locator('form[action="/admin/rejections/replay"] input[name="confirm"]').check();
    await page.locator('form[action="/admin/rejections/replay"] button').click();
    await page.waitForURL(/notice=/);
    assert.match(await page.locator('.action-notice').innerText(), /检查 1 条：恢复 1 条/);
    await adminShots(page, 'admin-action-replay-all');
  });

  it('重新对账: a day never run, then again, with the next scheduled run', async () => {
    await page.goto(`${app.url}/admin/reconciliation/${DAY}`);
    assert.match(await page.locator('.rerun').innerText(), /下次：2026-11-27 09:30/);
    await adminShots(page, 'admin-action-rerun-before');
    await page.getByRole('button', { name: '对账这一天' }).click();
    await page.waitForSelector('.action-notice');
    await page.getByRole('button', { name: '重新对账' }).click();
    await page.waitForSelector('.action-notice');
    assert.match(await page.locator('.action-notice h2').innerText(), /已重新对账/);
    await adminShots(page, 'admin-action-rerun');
  });

  it('lists every action in 操作记录 with the operator who did it', async () => {
    await page.goto(`${app.url}/admin/audit`);
    const rows = await page.locator('tbody tr').allInnerTexts();
    for (const label of ['登录', '向支付宝查单', '重放被拒回调', '重新对账']) {
      assert.ok(
        rows.some((row) => row.includes(label) && row.includes(OPERATOR.name)),
        `${label} by ${OPERATOR.name}`,
      );
    }
    await adminShots(page, 'admin-action-audit');
  });

  it('shows a viewer every page and no action, and refuses their writes', async () => {
    const viewer = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await signInToAdmin(viewer, app.url, VIEWER.name, VIEWER.password);
    assert.match(await viewer.locator('header .user').innerText(), /zhang\.min（只读）/);
    const orderId = newOrderId();
    tables.seedOrder(orderId, '66.60', OrderStatus.CANCELED);
    // Kept for review: an operator would see 标记为已处理 under it.
    tables.store.payments.set('2026112622001400000000000066', {
      orderId,
      tradeNo: '2026112622001400000000000066',
      amount: Money.parse('66.60'),
      source: 'notify',
      receivedAt: TEST_NOW,
      reviewReason: ReviewReason.ORDER_CANCELED,
    });
    for (const path of [`/admin/orders/${orderId}`, '/admin/rejections', `/admin/reconciliation/${DAY}`]) {
      await viewer.goto(app.url + path);
      assert.equal(await viewer.locator('main h1').count(), 1, path);
      assert.equal(await viewer.locator('main form[method="post"]').count(), 0, `no action on ${path}`);
    }
    const token = await viewer.locator('header form.sign-out input[name="_csrf"]').inputValue();
    const refused = await viewer.request.post(`${app.url}/admin/orders/${orderId}/query`, {
      form: { _csrf: token },
      headers: { 'Sec-Fetch-Site': 'same-origin' },
    });
    assert.equal(refused.status(), 403);
    await viewer.goto(`${app.url}/admin/orders/${orderId}`);
    assert.match(await viewer.locator('main').innerText(), /待核对/, 'the payment kept for review shows');
    await adminShots(viewer, 'admin-viewer-order');
    await viewer.close();
  });

  it('signs out: back at the sign-in page, and the back office asks again', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/admin\/login\?signed_out=1/);
    assert.match(await page.locator('.notice').innerText(), /已退出登录/);
    await adminShots(page, 'admin-signed-out');
    await page.goto(`${app.url}/admin/payments`);
    await page.waitForURL(/\/admin\/login\?next=/);
    assert.deepEqual(problems, [], 'no error in the browser');
  });
});

describe('新建演示订单 in the demo shop, in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  let server: RunningServer;
  let browser: Browser;
  before(async () => {
    const env = await migratedEnv({ ALIPAY_QUERY_SCHEDULE: 'off', RECONCILE_AT: 'off' });
    server = await startServer(loadConfig(env), pino({ level: 'silent' }));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('places an order of the amount typed and offers it to pay', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${server.url}/`);
    await page.locator('form.new-order input[name="amount"]').fill('66.60');
    await page.getByRole('button', { name: '新建演示订单' }).click();
    await page.waitForURL(/placed=/);
    const placed = new URL(page.url()).searchParams.get('placed')!;
    assert.match(await page.locator('.notice').innerText(), new RegExp(placed));
    assert.match(await page.locator('tr', { has: page.locator(`[data-order-id="${placed}"]`) }).innerText(), /66\.60/);
    await adminShots(page, 'demo-shop-new-order');
  });
});
