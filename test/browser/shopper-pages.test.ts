import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/bootstrap/server.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { browserUnavailable, launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { migratedEnv } from '../support/fresh-env.ts';

interface Links {
  readonly home: string;
  readonly orders: string;
  readonly userCenter: string;
}

const SHOP_URL = 'https://www.meiduo.example:8080';
const SETUPS: ReadonlyArray<{ name: string; env: Record<string, string>; links: Links }> = [
  {
    name: 'without SHOP_URL: links lead to the demo shop',
    env: {},
    links: { home: '/', orders: '/sandbox/orders', userCenter: '/sandbox/orders' },
  },
  {
    name: 'with SHOP_URL: links lead to Meiduo',
    // The trailing slash is the configuration's to normalise.
    env: { SHOP_URL: `${SHOP_URL}/` },
    links: { home: `${SHOP_URL}/`, orders: `${SHOP_URL}/user_center_order.html`, userCenter: `${SHOP_URL}/user_center_info.html` },
  },
];

// Before any script of the page: a CSP violation is reported to the document, whether or not it is also logged.
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber);
  });
`;

for (const setup of SETUPS) {
  describe(`every shopper page in headless Chromium, ${setup.name}`, { skip: browserUnavailable() ?? false }, () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let problems: string[] = [];
    // The status Chromium reports for the document itself: an error page is meant to answer 4xx.
    let expectedStatus = 200;

    before(async () => {
      const env = await migratedEnv({ ...setup.env, ALIPAY_QUERY_SCHEDULE: 'off', RECONCILE_AT: 'off' });
      server = await startServer(loadConfig(env), pino({ level: 'silent' }));
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
      await context.addInitScript({ content: RECORD_CSP_VIOLATIONS });
      page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const ownStatus = `the server responded with a status of ${expectedStatus}`;
        const aboutThisPage = message.location().url === page.url();
        if (expectedStatus !== 200 && aboutThisPage && message.text().includes(ownStatus)) return;
        problems.push(`console error: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    /** Opens a page (or finishes an action that navigates), then fails on any console error or CSP violation. */
    async function check(navigate: () => Promise<unknown>, status: number, screenshot: string): Promise<void> {
      problems = [];
      expectedStatus = status;
      const response = await navigate();
      await page.waitForLoadState('load');
      if (response && typeof response === 'object' && 'status' in response) {
        assert.equal((response as { status(): number }).status(), status);
      }
      const violations = (await page.evaluate('window.__cspViolations')) as string[];
      await page.screenshot({
        path: join(SCREENSHOTS, `shopper-pages-${setup.env.SHOP_URL ? 'shop-url' : 'demo'}-${screenshot}.png`),
        fullPage: true,
      });
      assert.deepEqual(
        [...problems, ...violations.map((v) => `CSP violation: ${v}`)],
        [],
        `${screenshot}: no console error, no CSP violation`,
      );
    }

    async function assertShopLinks(): Promise<void> {
      const topbar = page.locator('.topbar');
      assert.equal(await topbar.getByRole('link', { name: '首页', exact: true }).getAttribute('href'), setup.links.home);
      assert.equal(await topbar.getByRole('link', { name: '我的订单', exact: true }).getAttribute('href'), setup.links.orders);
      assert.equal(await topbar.getByRole('link', { name: '用户中心', exact: true }).getAttribute('href'), setup.links.userCenter);
      assert.equal(await page.locator('.header a.logo').getAttribute('href'), setup.links.home);
      assert.equal(await page.locator('link[rel="icon"]').getAttribute('href'), '/assets/favicon.svg');
    }

    async function assertWayForward(): Promise<void> {
      const content = page.locator('main');
      assert.equal(await content.getByRole('link', { name: '我的订单', exact: true }).getAttribute('href'), setup.links.orders);
      assert.equal(await content.getByRole('link', { name: '返回首页', exact: true }).getAttribute('href'), setup.links.home);
    }

    const payButtons = () =>
      page.locator('button[data-order-id]').evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.orderId!));
    let paidOrderId = '';

    it('shows the demo shop', async () => {
      await check(() => page.goto(`${server.url}/`), 200, 'home');
      assert.equal(await page.locator('h1').innerText(), '待支付订单');
      assert.equal((await payButtons()).length, 3);
      const table = await page.locator('table.orders').boundingBox();
      const card = await page.locator('main .card').boundingBox();
      assert.ok(table && card && table.width > card.width * 0.8, 'the order table spans the card');
      await assertShopLinks();
    });

    it('shows the demo order list with each order in Chinese', async () => {
      await check(() => page.goto(`${server.url}/sandbox/orders`), 200, 'orders');
      assert.equal(await page.locator('h1').innerText(), '我的订单');
      assert.equal(await page.locator('table.orders tbody tr.order').count(), 3);
      assert.equal(
        await page.locator('table.orders tbody tr.order-changes details:not([open])').count(),
        3,
        'each unpaid order can be changed',
      );
      assert.deepEqual(await page.locator('table.orders tbody td.order-state').allInnerTexts(), ['待支付', '待支付', '待支付']);
      await assertShopLinks();
    });

    it('shows the sandbox cashier', async () => {
      await page.goto(`${server.url}/`);
      [paidOrderId] = await payButtons();
      await check(
        async () => {
          await page.locator(`button[data-order-id="${paidOrderId}"]`).click();
          await page.waitForURL(/\/sandbox\/gateway\.do\?/);
        },
        200,
        'cashier',
      );
      assert.equal(await page.locator('#order-id').innerText(), paidOrderId);
    });

    it('shows 订单支付成功 with the order number and the amount', async () => {
      const amount = (await page.locator('dd.amount').innerText()).replace('¥', '');
      await check(
        async () => {
          await page.getByRole('button', { name: '确认付款' }).click();
          await page.waitForURL(/\/payment\/status\/\?/);
        },
        200,
        'success',
      );
      assert.equal(await page.locator('h1').innerText(), '订单支付成功');
      const text = await page.locator('main').innerText();
      assert.ok(text.includes(paidOrderId), 'the order number');
      assert.ok(text.includes(`¥${amount}`), `the amount ¥${amount}`);
      assert.match(await page.locator('.trade-id').innerText(), /^\d{8}22001\d{15}$/);
      await assertShopLinks();
      assert.equal(
        await page
          .locator('main')
          .getByRole('link', { name: /我的订单/ })
          .first()
          .getAttribute('href'),
        setup.links.orders,
      );
    });

    it('lists the paid order as 待评价', async () => {
      await check(() => page.goto(`${server.url}/sandbox/orders`), 200, 'orders-after-payment');
      const row = page.locator('table.orders tbody tr', { hasText: paidOrderId });
      assert.equal(await row.locator('td.order-state').innerText(), '待评价');
    });

    it('shows 非法请求 for a forged return, saying the payment is not lost, with 我的订单 and the hotline', async () => {
      await check(
        () => page.goto(`${server.url}/payment/status/?out_trade_no=${paidOrderId}&total_amount=1.00&sign=forged`),
        403,
        'forbidden',
      );
      assert.equal(await page.locator('h1').innerText(), '非法请求');
      const text = await page.locator('main').innerText();
      assert.match(text, /无法确认/);
      assert.match(text, /不会丢失/);
      assert.match(text, /客服热线：400-000-0000/);
      await assertShopLinks();
      await assertWayForward();
    });

    it('shows 支付需人工核对 for a payment its order cannot take', async () => {
      await page.goto(`${server.url}/`);
      const [orderId] = await payButtons();
      await page.locator(`button[data-order-id="${orderId}"]`).click();
      await page.waitForURL(/\/sandbox\/gateway\.do\?/);
      // Cancelled while the shopper stood at the cashier.
      await server.database.knex('tb_order_info').where({ order_id: orderId }).update({ status: OrderStatus.CANCELED });
      await check(
        async () => {
          await page.getByRole('button', { name: '确认付款' }).click();
          await page.waitForURL(/\/payment\/status\/\?/);
        },
        409,
        'needs-review',
      );
      assert.equal(await page.locator('h1').innerText(), '支付需人工核对');
      assert.match(await page.locator('main').innerText(), /客服热线：400-000-0000/);
      await assertShopLinks();
      await assertWayForward();
    });

    it('shows 页面不存在 for an unknown address', async () => {
      await check(() => page.goto(`${server.url}/no/such/page`), 404, 'not-found');
      assert.equal(await page.locator('h1').innerText(), '页面不存在');
      await assertShopLinks();
      await assertWayForward();
    });

    it('answers /favicon.ico and the icon the pages link to', async () => {
      for (const path of ['/favicon.ico', '/assets/favicon.svg']) {
        const response = await fetch(server.url + path);
        assert.equal(response.status, 200, path);
        assert.equal(response.headers.get('content-type'), 'image/svg+xml', path);
        assert.match(await response.text(), /^<svg /, path);
      }
    });
  });
}
