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
// An order with a refund of each kind: one matched, one whose amount differs, one the bill lacks.
const REFUNDED_ORDER = '20261125100000000000010';
const REFUNDED_TRADE = '2026112522001400000000000010';
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
    await seedOrder(server.database.knex, REFUNDED_ORDER, '1299.00', 6);
    const refunded = { tradeNo: REFUNDED_TRADE };
    await new KnexReconciliationStore(server.database.knex).save(
      aRun(DAY, {
        counts: counts({
          matched: 1,
          amount_mismatch: 1,
          unknown_order: 1,
          refund_matched: 1,
          refund_amount_mismatch: 1,
          refund_status_mismatch: 1,
          refund_unknown: 1,
          refund_missing_in_bill: 1,
        }),
      }),
      [
        anItem('refund_matched', REFUNDED_ORDER, {
          ...refunded,
          localAmountFen: -100_00,
          billAmountFen: -100_00,
          detail: '退款批次号 R20261125000001',
          refundNo: 'R20261125000001',
        }),
        anItem('refund_amount_mismatch', REFUNDED_ORDER, {
          ...refunded,
          localAmountFen: -50_00,
          billAmountFen: -55_00,
          detail: '退款批次号 R20261125000002',
          refundNo: 'R20261125000002',
        }),
        anItem('refund_status_mismatch', REFUNDED_ORDER, {
          ...refunded,
          localAmountFen: -30_00,
          billAmountFen: -35_00,
          detail:
            '退款批次号 R20261125000004；本系统记为退款失败，金额也不符（本系统 ¥30.00，账单 ¥35.00）；支付宝账单显示已退款，请核实，勿重复退款',
          refundNo: 'R20261125000004',
        }),
        anItem('refund_missing_in_bill', REFUNDED_ORDER, {
          ...refunded,
          localAmountFen: -1_149_00,
          billAmountFen: null,
          detail: '本地于 2026-11-25 16:20:31 退款成功（退款请求号 R20261125000003），账单中没有这笔退款',
          refundNo: 'R20261125000003',
        }),
        anItem('refund_unknown', '20261125100000000000011', {
          tradeNo: '2026112522001400000000000011',
          localAmountFen: null,
          billAmountFen: -20_00,
          detail: '退款批次号 2026112521001004000000000001',
          refundNo: '2026112521001004000000000001',
        }),
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
      assert.equal(await page.locator('a.discrepancies').innerText(), '6 笔');
      await page.locator('a.discrepancies').click();
      await page.waitForURL(`${server.url}/admin/reconciliation/${DAY}`);
      assert.equal(await page.locator('tr.needs-review').count(), 6);
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
    assert.equal(await page.locator('a.discrepancies').innerText(), '5 笔');
  });

  for (const width of WIDTHS) {
    it(`lists the refund discrepancies at ${width} px, on their day and in their order's timeline`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/admin/reconciliation/${DAY}?order=${REFUNDED_ORDER}`);
      const kinds = await page.locator('tbody tr td:first-child').allInnerTexts();
      assert.deepEqual(kinds.sort(), ['退款相符', '退款金额不符', '退款状态不符', '账单缺失退款'].sort());
      assert.equal(await page.locator('tr.needs-review').count(), 3, 'a matched refund needs nobody');
      assert.match(await page.locator('tr.needs-review', { hasText: '退款金额不符' }).innerText(), /−¥50\.00[\s\S]*−¥55\.00/);
      await fitsWidth(width);
      await shot(`discrepancy-refunds-day-${width}`);

      await page.getByRole('link', { name: '退款状态不符 1' }).click();
      await page.waitForURL(`${server.url}/admin/reconciliation/${DAY}?kind=refund_status_mismatch`);
      assert.match(await page.locator('tr.needs-review').innerText(), /退款状态不符[\s\S]*本系统记为退款失败[\s\S]*勿重复退款/);
      await fitsWidth(width);
      await shot(`discrepancy-refund-status-${width}`);

      await page.goto(`${server.url}/admin/reconciliation/${DAY}?kind=refund_unknown`);
      assert.match(await page.locator('tr.needs-review').innerText(), /未知退款[\s\S]*−¥20\.00/);

      await page.goto(`${server.url}/admin/orders/${REFUNDED_ORDER}`);
      const entries = await page.locator('li.timeline-needs-review').allInnerTexts();
      assert.equal(entries.length, 3);
      assert.match(entries.join('\n'), /对账差异：退款状态不符（2026-11-25 账单）[\s\S]*R20261125000004[\s\S]*勿重复退款/);
      assert.match(entries.join('\n'), /对账差异：账单缺失退款（2026-11-25 账单）[\s\S]*退款请求号[\s\S]*R20261125000003/);
      await fitsWidth(width);
      await shot(`discrepancy-refunds-timeline-${width}`);
    });
  }

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
