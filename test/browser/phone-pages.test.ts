/**
 * Issue 27, shoppers on phones: every shopper-facing page fits a phone 320 to 414 px wide with no
 * horizontal scroll, and the long numbers (order ids, Alipay trade numbers) wrap inside their card. The
 * same checks run at 768 and 1440 px, where the pages keep their desktop look. Screenshots at 320, 375
 * and 1440 px go to test-results/screenshots/phone-*.png.
 */
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

const PHONE_WIDTHS = [320, 375, 414] as const;
/** A tablet held upright, near where the phone layout gives way to the desktop one, and a desktop. */
const WIDER = [768, 1440] as const;
const HEIGHT = 800;
/** Sub-pixel layout: a box may end a fraction of a pixel past another's edge. */
const SLACK = 0.5;

interface PageParts {
  /** The white box the page's content sits in. */
  readonly card: string;
  /** The elements holding long numbers: each must wrap inside the card. */
  readonly numbers: string;
  /** Short labels (order states, buttons) that must stay on one line, not one character per line. */
  readonly oneLine?: string;
}

interface Layout {
  readonly innerWidth: number;
  readonly numbers: number;
  readonly problems: string[];
}

/** What breaks a phone layout, measured in the page (runs in Chromium). */
function measure({ card, numbers, oneLine, slack }: PageParts & { slack: number }): Layout {
  const problems: string[] = [];
  const cardElement = document.querySelector(card);
  if (!cardElement) return { innerWidth: window.innerWidth, numbers: 0, problems: [`no ${card}`] };
  const box = cardElement.getBoundingClientRect();
  const label = (element: Element) =>
    `<${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).replace(/ /g, '.')}` : ''}> "${(element.textContent ?? '').trim().slice(0, 30)}"`;
  // A box that a scrolling (or clipping) container holds is that container's business, not the page's.
  const scrolled = (element: Element) => {
    for (let parent = element.parentElement; parent && parent !== cardElement; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const element of [cardElement, ...cardElement.querySelectorAll('*')]) {
    const rect = element.getBoundingClientRect();
    if ((rect.width === 0 && rect.height === 0) || scrolled(element)) continue;
    if (rect.left < -slack || rect.right > window.innerWidth + slack) {
      problems.push(`${label(element)} spans ${Math.round(rect.left)}..${Math.round(rect.right)} px, past the window`);
    }
    if (element !== cardElement && (rect.left < box.left - slack || rect.right > box.right + slack)) {
      problems.push(
        `${label(element)} spans ${Math.round(rect.left)}..${Math.round(rect.right)} px, out of the card's ${Math.round(box.left)}..${Math.round(box.right)}`,
      );
    }
  }
  const numberElements = [...cardElement.querySelectorAll(numbers)];
  for (const element of numberElements) {
    const rect = element.getBoundingClientRect();
    if (rect.left < box.left - slack || rect.right > box.right + slack) {
      problems.push(
        `number ${label(element)} spans ${Math.round(rect.left)}..${Math.round(rect.right)} px, out of the card's ${Math.round(box.left)}..${Math.round(box.right)}`,
      );
    }
  }
  for (const element of oneLine ? cardElement.querySelectorAll(oneLine) : []) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    if (lines > 1) problems.push(`${label(element)} takes ${lines} lines`);
  }
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > window.innerWidth) problems.push(`the page is ${scrollWidth} px wide in a ${window.innerWidth} px window`);
  return { innerWidth: window.innerWidth, numbers: numberElements.length, problems };
}

// tsx wraps the functions declared inside `measure` in esbuild's `__name` helper, which the page does not have.
const MEASURE = `(() => { const __name = (f) => f; return ${measure.toString()}; })()`;

describe('every shopper page fits a phone, in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    const env = await migratedEnv({ ALIPAY_QUERY_SCHEDULE: 'off', RECONCILE_AT: 'off' });
    server = await startServer(loadConfig(env), pino({ level: 'silent' }));
    browser = await launchChromium();
    // A phone: the page's viewport meta decides the layout width, as on a real one.
    const context = await browser.newContext({
      viewport: { width: 375, height: HEIGHT },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * Lays the open page out at each phone width, at 768 and at 1440 px, screenshots it at 320, 375 and
   * 1440 px, and fails naming every width where something sticks out.
   */
  async function assertFits(name: string, parts: PageParts, minNumbers: number): Promise<void> {
    const failures: string[] = [];
    for (const width of [...PHONE_WIDTHS, ...WIDER]) {
      await page.setViewportSize({ width, height: HEIGHT });
      const layout = (await page.evaluate(`${MEASURE}(${JSON.stringify({ ...parts, slack: SLACK })})`)) as Layout;
      if (width === 320 || width === 375 || width === 1440) {
        await page.screenshot({ path: join(SCREENSHOTS, `phone-${name}-${width}.png`), fullPage: true });
      }
      if (layout.innerWidth !== width) failures.push(`${width} px: laid out ${layout.innerWidth} px wide (no viewport meta?)`);
      if (layout.numbers < minNumbers) failures.push(`${width} px: ${layout.numbers} of ${parts.numbers}, expected ${minNumbers}`);
      for (const problem of layout.problems) failures.push(`${width} px: ${problem}`);
    }
    await page.setViewportSize({ width: 375, height: HEIGHT });
    assert.deepEqual(failures, [], `${name}: fits ${[...PHONE_WIDTHS, ...WIDER].join(', ')} px`);
  }

  const SHOP: PageParts = { card: 'main .card', numbers: 'td.mono', oneLine: 'td.order-state, button.pay, th' };
  const payButtons = () =>
    page.locator('button[data-order-id]').evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.orderId!));

  /**
   * Opens the cashier for the shop's first unpaid order: the phone's (wap pay), as 去支付 gives a phone, or
   * the desktop's. It asks for the pay URL as 去支付 does rather than tapping it, so that a shop page that
   * does not fit fails its own test, not every later one.
   */
  async function toCashier(channel: 'wap' | 'page' = 'wap'): Promise<string> {
    await page.goto(`${server.url}/`);
    const [orderId] = await payButtons();
    assert.ok(orderId, 'an order to pay');
    const response = await fetch(`${server.url}/payment/${orderId}/?channel=${channel}`);
    const answer = (await response.json()) as { code: string; alipay_url: string };
    assert.equal(answer.code, '0');
    await page.goto(answer.alipay_url);
    return orderId;
  }

  it('the demo shop', async () => {
    await page.goto(`${server.url}/`);
    assert.equal(await page.locator('h1').innerText(), '待支付订单');
    await assertFits('home', SHOP, 3);
  });

  it('the sandbox cashier for a desktop', async () => {
    const orderId = await toCashier('page');
    assert.equal(await page.locator('body').getAttribute('class'), 'cashier-page');
    assert.equal(await page.locator('#order-id').innerText(), orderId);
    await assertFits('cashier-page', { card: '.wrap', numbers: '#order-id', oneLine: 'button' }, 1);
  });

  it('the sandbox cashier for a phone', async () => {
    const orderId = await toCashier();
    assert.equal(await page.locator('body').getAttribute('class'), 'cashier-wap');
    assert.equal(await page.locator('#order-id').innerText(), orderId);
    await assertFits('cashier', { card: '.wrap', numbers: '#order-id', oneLine: 'button' }, 1);
  });

  it('订单支付成功, with the trade number and the order number', async () => {
    await page.getByRole('button', { name: '确认付款' }).click();
    await page.waitForURL(/\/payment\/status\/\?/);
    assert.equal(await page.locator('h1').innerText(), '订单支付成功');
    await assertFits('success', { card: 'main .card', numbers: '.trade-id, dd.order-no' }, 2);
  });

  it('403 非法请求', async () => {
    await page.goto(`${server.url}/payment/status/?out_trade_no=20261126153000000000001&total_amount=1.00&sign=forged`);
    assert.equal(await page.locator('h1').innerText(), '非法请求');
    await assertFits('forbidden', { card: 'main .card', numbers: 'dl.details dd' }, 0);
  });

  it('409 支付需人工核对, with the order and trade numbers to quote', async () => {
    const orderId = await toCashier();
    // Cancelled while the shopper stood at the cashier.
    await server.database.knex('tb_order_info').where({ order_id: orderId }).update({ status: OrderStatus.CANCELED });
    await page.getByRole('button', { name: '确认付款' }).click();
    await page.waitForURL(/\/payment\/status\/\?/);
    assert.equal(await page.locator('h1').innerText(), '支付需人工核对');
    await assertFits('needs-review', { card: 'main .card', numbers: 'dl.details dd' }, 3);
  });

  it('404 页面不存在', async () => {
    await page.goto(`${server.url}/no/such/page`);
    assert.equal(await page.locator('h1').innerText(), '页面不存在');
    await assertFits('not-found', { card: 'main .card', numbers: 'dl.details dd' }, 0);
  });

  it('the sandbox message page, after 付款但不回跳', async () => {
    await toCashier();
    await page.getByRole('button', { name: '付款但不回跳' }).click();
    await page.waitForURL(/\/sandbox\/pay$/);
    assert.match(await page.locator('h2').innerText(), /^已付款/);
    await assertFits('message', { card: '.wrap', numbers: 'dl.details dd' }, 3);
  });

  it('the demo order list, with orders in several states', async () => {
    await page.goto(`${server.url}/sandbox/orders`);
    assert.equal(await page.locator('h1').innerText(), '我的订单');
    assert.deepEqual((await page.locator('td.order-state').allInnerTexts()).sort(), ['已取消', '待支付', '待评价'].sort());
    await assertFits('orders', SHOP, 3);
  });
});
