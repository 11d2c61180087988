import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/bootstrap/server.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { KnexReconciliationStore } from '../../src/infrastructure/persistence/knex-reconciliation-store.ts';
import { anItem, aRun, counts } from '../contracts/reconciliation-store.contract.ts';
import { browserUnavailable, launchChromium, SCREENSHOTS, signInToAdmin } from '../support/browser.ts';
import { steadyClock } from '../support/clock.ts';
import { migratedEnv } from '../support/fresh-env.ts';
import { seedOrder } from '../support/test-app.ts';

const PASSWORD = 'browser-test-secret';
const DAY = '2026-11-25';
const ORDER = '20261125100000000000009';
const TRADE = '2026112522001400000000000009';
const NOTE = '已在支付宝商家后台核对：账单金额为准，差额 ¥10.00 已联系顾客退回';
const WIDTHS = [1440, 375] as const;

describe('reconciliation discrepancies followed up, in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  /** Nothing on the page is wider than its viewport: a phone never scrolls sideways to read a row. */
  const fitsWidth = async (width: number) => {
    const widest = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(widest <= width, `${page.url()} is ${widest}px wide at ${width}px`);
  };

  before(async () => {
    server = await startServer(
      loadConfig(await migratedEnv({ ADMIN_PASSWORD: PASSWORD, RECONCILE_AT: 'off' })),
      pino({ level: 'silent' }),
      { clock: steadyClock() },
    );
    await seedOrder(server.database.knex, ORDER, '388.00', 4);
    await new KnexReconciliationStore(server.database.knex).save(
      aRun(DAY, { counts: counts({ matched: 1, amount_mismatch: 1, unknown_order: 1 }) }),
      [
        anItem('matched', '20261125100000000000001', { tradeNo: '2026112522001400000000000001' }),
        anItem('amount_mismatch', ORDER, { tradeNo: TRADE, localAmountFen: 38_800, billAmountFen: 37_800 }),
        anItem('unknown_order', 'MEIDUO-TEST-0042', {
          tradeNo: '2026112522001400000000000042',
          billAmountFen: 1_00,
          detail: '商户订单号在本系统中不存在',
        }),
      ],
    );
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    await signInToAdmin(page, server.url, 'admin', PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const width of WIDTHS) {
    it(`shows the waiting discrepancies at ${width} px: on the payments page, on their day, in the order timeline`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/admin/payments`);
      assert.equal(await page.locator('a.discrepancies').innerText(), '2 笔');
      await page.locator('a.discrepancies').click();
      await page.waitForURL(`${server.url}/admin/reconciliation/${DAY}`);
      assert.equal(await page.locator('tr.needs-review').count(), 2);
      assert.doesNotMatch(await page.locator('main').innerText(), /tb_|order_info/);
      await fitsWidth(width);
      await shot(`discrepancy-day-${width}`);

      await page.goto(`${server.url}/admin/orders/${ORDER}`);
      const entry = page.locator('li.timeline-needs-review');
      assert.match(await entry.innerText(), /对账差异：金额不符（2026-11-25 账单）[\s\S]*待处理/);
      await fitsWidth(width);
      await shot(`discrepancy-timeline-${width}`);
    });
  }

  it('goes from the timeline to the row, marks it 已处理 there, and the timeline shows who and why', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/admin/orders/${ORDER}`);
    await page.getByRole('link', { name: '去处理' }).click();
    await page.waitForURL(new RegExp(`/admin/reconciliation/${DAY}\\?order=${ORDER}#item-\\d+$`));
    const row = page.locator('tr.needs-review', { hasText: ORDER });
    await row.getByText('标记为已处理').first().click();
    await row.getByLabel(/处理说明/).fill(NOTE);
    await shot('discrepancy-form-1440');
    await row.getByRole('button', { name: '标记为已处理' }).click();
    await page.waitForURL(/resolved=/);
    assert.match(await page.locator('p.notice').innerText(), /标记为已处理/);
    assert.match(await page.locator('tbody tr', { hasText: ORDER }).innerText(), /已处理[\s\S]*admin（[\s\S]*）：已在支付宝商家后台核对/);
    await shot('discrepancy-resolved-1440');

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/admin/orders/${ORDER}`);
      assert.match(
        await page.locator('li.timeline-resolved').innerText(),
        /对账差异：金额不符[\s\S]*已处理[\s\S]*处理说明[\s\S]*差额 ¥10\.00/,
      );
      await fitsWidth(width);
      await shot(`discrepancy-timeline-resolved-${width}`);
    }
    await page.goto(`${server.url}/admin/payments`);
    assert.equal(await page.locator('a.discrepancies').innerText(), '1 笔');
  });

  it("opens an unknown order's row on its bill row's page, not a 404", async () => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/admin/reconciliation/${DAY}`);
      await page.getByRole('link', { name: 'MEIDUO-TEST-0042' }).click();
      await page.waitForURL(new RegExp(`/admin/reconciliation/${DAY}/items/\\d+$`));
      assert.match(await page.locator('h1').innerText(), /对账明细：未知订单/);
      assert.match(await page.locator('dl.details').innerText(), /MEIDUO-TEST-0042[\s\S]*2026112522001400000000000042[\s\S]*1\.00/);
      await fitsWidth(width);
      await shot(`discrepancy-unknown-order-${width}`);
    }
  });

  it('logged no console error or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
