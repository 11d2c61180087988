import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { browserUnavailable, launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { freshEnv } from '../support/fresh-env.ts';
import { orderStatus, paymentRows } from '../support/test-app.ts';

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
    server = await startServer(loadConfig(freshEnv()), pino({ level: 'silent' }));
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

  it('leaves the order UNPAID when the shopper presses 取消', async () => {
    const [orderId] = await payButtons();
    await page.locator(`button[data-order-id="${orderId}"]`).click();
    await page.waitForURL(/\/sandbox\/gateway\.do\?/);
    await page.getByRole('button', { name: '取消' }).click();
    await page.waitForSelector('text=交易已取消');
    await shot('cancelled');
    assert.equal(await orderStatus(server.database.knex, orderId!), OrderStatus.UNPAID);
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
});
