import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Database, openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { createTestAlipay, newOrderId, returnParams } from '../support/alipay-signer.ts';
import { browserUnavailable, launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { pglite, type TestDatabase } from '../support/databases.ts';
import { type RunningApp, seedOrder, startTestApp, TEST_SHOP_URL } from '../support/test-app.ts';

const alipay = createTestAlipay();

describe('payment pages in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  let browser: Browser;
  let page: Page;
  let db: TestDatabase;
  let app: RunningApp;
  let downDatabase: Database;
  let downApp: RunningApp;

  before(async () => {
    db = await pglite.open();
    app = await startTestApp({ knex: db.knex, alipayPublicKeyPem: alipay.publicKeyPem });
    downDatabase = openDatabase({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' });
    downApp = await startTestApp({ knex: downDatabase.knex, alipayPublicKeyPem: alipay.publicKeyPem });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await downApp?.close();
    await db?.close();
    await downDatabase?.close();
  });

  async function visit(base: string, path: string, screenshot: string): Promise<{ status: number; heading: string; text: string }> {
    const response = await page.goto(base + path);
    await page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`), fullPage: true });
    return { status: response!.status(), heading: await page.locator('h1').innerText(), text: await page.locator('main').innerText() };
  }

  it('shows 订单支付成功 with the trade number, the order number, the amount and a 我的订单 link', async () => {
    const orderId = newOrderId();
    await seedOrder(db.knex, orderId, '3798.00');
    const params = returnParams(orderId, '3798.00');
    const shown = await visit(app.url, `/payment/status/?${alipay.signedQuery(params)}`, 'pay-success');
    assert.equal(shown.status, 200);
    assert.equal(shown.heading, '订单支付成功');
    assert.match(shown.text, new RegExp(`您的订单已成功支付，支付交易号：${params.trade_no}`));
    assert.equal(await page.locator('dd.order-no').innerText(), orderId);
    assert.equal(await page.locator('dd.paid-amount').innerText(), '¥3798.00');
    // The test app has Meiduo's front end as SHOP_URL, as production does.
    assert.equal(
      await page.getByRole('link', { name: '您可以在【用户中心】->【我的订单】查看该订单' }).getAttribute('href'),
      `${TEST_SHOP_URL}/user_center_order.html`,
    );
    assert.equal(await page.title(), '支付成功 - 美多商城');
    assert.ok(await page.locator('.header .logo', { hasText: '美多商城' }).isVisible());
  });

  it('shows 非法请求 for a forged return', async () => {
    const shown = await visit(app.url, `/payment/status/?${new URLSearchParams(returnParams(newOrderId(), '1.00'))}`, 'forbidden');
    assert.equal(shown.status, 403);
    assert.equal(shown.heading, '非法请求');
  });

  it('shows 订单不存在 for an unknown order', async () => {
    const shown = await visit(app.url, `/payment/status/?${alipay.signedQuery(returnParams(newOrderId(), '1.00'))}`, 'order-not-found');
    assert.equal(shown.status, 404);
    assert.equal(shown.heading, '订单不存在');
  });

  it('asks the shopper to contact support, with the numbers to quote, when the payment needs review', async () => {
    const orderId = newOrderId();
    await seedOrder(db.knex, orderId, '3798.00', 6);
    const params = returnParams(orderId, '3798.00');
    const shown = await visit(app.url, `/payment/status/?${alipay.signedQuery(params)}`, 'needs-review');
    assert.equal(shown.status, 409);
    assert.equal(shown.heading, '支付需人工核对');
    for (const expected of [orderId, params.trade_no!, '订单已取消', '客服']) assert.ok(shown.text.includes(expected), expected);
  });

  it('asks to refresh later while the database is down', async () => {
    const shown = await visit(downApp.url, `/payment/status/?${alipay.signedQuery(returnParams(newOrderId(), '1.00'))}`, 'database-down');
    assert.equal(shown.status, 503);
    assert.match(shown.text, /请稍后刷新本页面/);
  });
});
