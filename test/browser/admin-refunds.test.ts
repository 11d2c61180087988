import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ReviewReason } from '../../src/domain/errors.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId } from '../support/alipay-signer.ts';
import { appPublicKeyPem } from '../support/app-keys.ts';
import { adminShots, browserUnavailable, launchChromium, signInToAdmin } from '../support/browser.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { MemoryTables, type RunningApp, startTestApp } from '../support/test-app.ts';

const alipay = createTestAlipay();
const OPERATOR = { name: 'li.wei', password: 'li-wei-password-1' };

describe('退款 in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  const tables = new MemoryTables();
  let gateway: FakeAlipayGateway;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let refuse = false;
  const problems: string[] = [];

  /** A paid order whose one payment was applied, or kept for review. */
  function paidOrder(amount: string, reviewReason: ReviewReason | null = null) {
    const orderId = newOrderId();
    const tradeNo = `20261126220014${orderId.slice(-14)}`;
    tables.seedOrder(orderId, amount, reviewReason === null ? OrderStatus.UNSEND : OrderStatus.CANCELED);
    tables.seedPayment(orderId, tradeNo, amount, reviewReason);
    return { orderId, tradeNo };
  }

  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    gateway.answer = (call) => {
      const biz = JSON.parse(call.params.biz_content ?? '{}');
      const answer: Record<string, string> = refuse
        ? { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH', sub_msg: 'seller balance not enough' }
        : {
            code: '10000',
            msg: 'Success',
            fund_change: 'Y',
            trade_no: biz.trade_no,
            out_trade_no: biz.out_trade_no,
            refund_fee: biz.refund_amount,
          };
      return { body: gateway.signedAnswer('alipay_trade_refund_response', answer) };
    };
    app = await startTestApp({ memory: tables.store, alipayPublicKeyPem: alipay.publicKeyPem, openApiGatewayUrl: gateway.url });
    browser = await launchChromium();
    await tables.addOperator(OPERATOR.name, 'operator', OPERATOR.password);
    page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.on('console', (message) => {
      // A form refused with 400 logs its own status; nothing else may fail.
      const ownStatus = message.text().startsWith('Failed to load resource') && message.location().url === page.url();
      if (message.type() === 'error' && !ownStatus) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    await signInToAdmin(page, app.url, OPERATOR.name, OPERATOR.password);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await gateway?.close();
  });

  it('walks 退款 from the timeline: the form, a field refused beside it, the confirmation, and 退款成功 on the timeline', async () => {
    const { orderId } = paidOrder('3798.00');
    await page.goto(`${app.url}/admin/orders/${orderId}`);
    await Promise.all([page.waitForURL(/\/refund\?trade_no=/), page.getByRole('link', { name: '退款', exact: true }).click()]);
    assert.equal(await page.getByLabel('退款金额（元）').inputValue(), '3798.00');
    await adminShots(page, 'refund-form');

    await page.getByLabel('退款金额（元）').fill('4000');
    await page.getByRole('button', { name: '下一步：确认退款' }).click();
    await page.waitForSelector('.field-error');
    assert.match(await page.locator('#refund-amount-error').innerText(), /超过剩余可退金额 ¥3,798\.00/);
    assert.match(await page.locator('#refund-reason-error').innerText(), /请填写退款原因/);
    assert.equal(await page.getByLabel('退款金额（元）').inputValue(), '4000', 'what was typed stays');
    await adminShots(page, 'refund-form-errors');

    await page.getByLabel('退款金额（元）').fill('200');
    await page.getByLabel(/退款原因/).fill('缺少一件配件，部分退款');
    await page.getByRole('button', { name: '下一步：确认退款' }).click();
    await page.waitForSelector('.refund-confirm');
    const confirmation = await page.locator('.refund-confirm').innerText();
    assert.match(confirmation, /本次退款\s+−¥200\.00/);
    assert.match(confirmation, /退款后剩余可退\s+¥3,598\.00/);
    assert.match(confirmation, /部分退款：订单状态不变（当前：待发货）/);
    await adminShots(page, 'refund-confirm');

    await Promise.all([page.waitForURL(/\/admin\/orders\/\d+\?notice=/), page.getByRole('button', { name: '确认退款' }).click()]);
    assert.match(await page.locator('.action-notice h2').innerText(), /^退款成功$/);
    const refund = await page.locator('li.timeline-refund').innerText();
    assert.match(refund, /退款成功/);
    assert.match(refund, /−¥200\.00/);
    assert.match(refund, new RegExp(`申请人\\s+${OPERATOR.name.replace('.', '\\.')}`));
    assert.match(await page.locator('li.timeline-payment').innerText(), /已退款\s+¥200\.00\s+可退\s+¥3,598\.00/);
    await adminShots(page, 'refund-timeline');
  });

  it('refunds a payment kept for review from the 待核对 list; Alipay’s refusal is told in Chinese', async () => {
    const { orderId } = paidOrder('88.80', ReviewReason.ORDER_CANCELED);
    await page.goto(`${app.url}/admin/payments?state=needs_review`);
    await adminShots(page, 'refund-review-list');
    await Promise.all([page.waitForURL(/\/refund\?trade_no=/), page.locator(`a.refund-link[href^="/admin/orders/${orderId}/"]`).click()]);
    await page.getByLabel(/退款原因/).fill('订单已取消，原路退回');
    await page.getByRole('button', { name: '下一步：确认退款' }).click();
    await page.waitForSelector('.refund-confirm');
    assert.match(await page.locator('.refund-effects').innerText(), /退款成功后，该笔待核对支付将标记为已处理/);
    await adminShots(page, 'refund-confirm-review');

    refuse = true;
    await Promise.all([page.waitForURL(/\?notice=/), page.getByRole('button', { name: '确认退款' }).click()]);
    assert.match(await page.locator('.action-notice').innerText(), /商户余额不足（ACQ\.SELLER_BALANCE_NOT_ENOUGH）/);
    assert.match(await page.locator('li.timeline-refund').innerText(), /退款失败[\s\S]*商户余额不足/);
    await adminShots(page, 'refund-refused');
    assert.deepEqual(problems, []);
  });
});
