import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId } from '../support/alipay-signer.ts';
import { appPublicKeyPem } from '../support/app-keys.ts';
import { type FixedClock, fixedClock } from '../support/clock.ts';
import { FakeAlipayGateway, type FakeAnswer, type ReceivedCall } from '../support/fake-alipay-gateway.ts';
import { ADMIN, memoryAppForSuite } from '../support/test-app.ts';

const alipay = createTestAlipay();
const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
const VIEWER = { name: 'auditor', password: 'viewer-password-1' };
const REFUND_KEY = 'alipay_trade_refund_response';

describe('退款 from the back office, over in-memory stores with Alipay faked', () => {
  let gateway: FakeAlipayGateway;
  // The app's clock is the test's: 查询退款 waits 10 s after a refund is asked for.
  const clock = fixedClock();
  const options: { alipayPublicKeyPem: string; openApiGatewayUrl?: string; clock: FixedClock } = {
    alipayPublicKeyPem: alipay.publicKeyPem,
    clock,
  };
  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    options.openApiGatewayUrl = gateway.url;
  });
  const suite = memoryAppForSuite(options);
  before(() => suite.tables.addOperator(VIEWER.name, 'viewer', VIEWER.password));
  after(() => gateway.close());
  beforeEach(() => {
    suite.tables.empty();
    suite.tables.store.refunds.clear();
    gateway.calls.length = 0;
    gateway.answer = refunded;
  });

  /** Alipay's signed answer: the money moved (fund_change Y). */
  const refunded = (call: ReceivedCall): FakeAnswer => {
    const biz = JSON.parse(call.params.biz_content ?? '{}');
    return {
      body: gateway.signedAnswer(REFUND_KEY, {
        code: '10000',
        msg: 'Success',
        buyer_logon_id: 'tes***@example.com',
        fund_change: 'Y',
        gmt_refund_pay: '2026-11-26 10:05:00',
        out_trade_no: biz.out_trade_no,
        refund_fee: biz.refund_amount,
        trade_no: biz.trade_no,
      }),
    };
  };
  const refusedWith = (subCode: string, subMsg: string) => (): FakeAnswer => ({
    body: gateway.signedAnswer(REFUND_KEY, { code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg }),
  });

  /** A paid order: its one payment applied (or kept for review), as the notify would have left them. */
  function paidOrder(amount = '88.80', reviewReason: 'ORDER_CANCELED' | null = null) {
    const orderId = newOrderId();
    const tradeNo = `2026112622001${orderId.slice(-10)}`;
    suite.tables.seedOrder(orderId, amount, reviewReason === null ? OrderStatus.UNCOMMENT : OrderStatus.CANCELED);
    suite.tables.seedPayment(orderId, tradeNo, amount, reviewReason);
    return {
      orderId,
      tradeNo,
      formPath: `/admin/orders/${orderId}/refund?trade_no=${tradeNo}`,
      postPath: `/admin/orders/${orderId}/refund`,
    };
  }

  const operator = { Authorization: basic(ADMIN.user, ADMIN.password) };
  const request = async (path: string, init: RequestInit = {}, who: Record<string, string> = operator) => {
    const response = await fetch(suite.app.url + path, { redirect: 'manual', ...init, headers: { ...who, ...init.headers } });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  const tokenOn = (body: string) => body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  /** Posts as our own page would, with the form token the page carries. */
  const post = async (path: string, fields: Record<string, string>, who: Record<string, string> = operator) => {
    const token = tokenOn((await request('/admin/rejections', {}, who)).body);
    assert.notEqual(token, '');
    return request(
      path,
      {
        method: 'POST',
        body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
      },
      who,
    );
  };
  /** A viewer signed in by the form: their pages carry their own form token (in the sign-out form). */
  async function signedInViewer(): Promise<Record<string, string>> {
    const response = await fetch(`${suite.app.url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ name: VIEWER.name, password: VIEWER.password, next: '/admin/payments' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
    });
    await response.text();
    return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0]! };
  }
  const refundCalls = () => gateway.calls.filter((call) => call.params.method === 'alipay.trade.refund');
  const notice = (body: string) => body.match(/<section class="card action-notice[^"]*"[^>]*>([\s\S]*?)<\/section>/)?.[1] ?? '';
  const fieldError = (body: string, field: string) => body.match(new RegExp(`id="refund-${field}-error"[^>]*>([^<]*)<`))?.[1] ?? '';
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  /** The form's step, then the confirmation's, as the browser would post them. */
  /** What the confirmation's 确认退款 form posts: its out_request_no among them. */
  const executeFields = (confirmation: string) => {
    const outRequestNo = confirmation.match(/name="out_request_no" value="(RF[0-9a-f]+)"/)?.[1];
    assert.ok(outRequestNo, 'the confirmation carries the refund’s out_request_no');
    return { out_request_no: outRequestNo, step: 'execute' };
  };

  async function confirmAndExecute(path: string, tradeNo: string, amount: string, reason: string) {
    const confirmation = await post(path, { trade_no: tradeNo, amount, reason, step: 'confirm' });
    assert.equal(confirmation.status, 200, confirmation.body.slice(0, 500));
    const executed = await post(path, { ...executeFields(confirmation.body), trade_no: tradeNo, amount, reason });
    assert.equal(executed.status, 303, executed.body.slice(0, 500));
    return { confirmation, location: executed.headers.get('location')!, page: await request(executed.headers.get('location')!) };
  }

  it('offers 退款 on the timeline and opens a form holding all that remains', async () => {
    const { orderId, tradeNo, formPath } = paidOrder('88.80');
    const timeline = await request(`/admin/orders/${orderId}`);
    assert.ok(timeline.body.includes(`href="/admin/orders/${orderId}/refund?trade_no=${tradeNo}"`), 'the payment offers 退款');
    const form = await request(formPath);
    assert.equal(form.status, 200);
    assert.match(form.body, /<input id="refund-amount" name="amount" value="88.80"/);
    assert.ok(text(form.body).includes('可退金额 ¥88.80'));
    assert.match(form.body, /<textarea id="refund-reason" name="reason" maxlength="256"/);
    assert.equal(refundCalls().length, 0, 'showing the form asks Alipay nothing');
  });

  it('confirms the amount, what remains after it and what happens to the order before refunding; only then asks Alipay', async () => {
    const { orderId, tradeNo, postPath } = paidOrder('88.80');
    const partial = await post(postPath, { trade_no: tradeNo, amount: '10.00', reason: '缺少一件商品', step: 'confirm' });
    const shown = text(partial.body);
    assert.ok(shown.includes('本次退款 −¥10.00'), shown);
    assert.ok(shown.includes('退款后剩余可退 ¥78.80'), shown);
    assert.ok(shown.includes('部分退款：订单状态不变（当前：待评价）'), shown);
    assert.match(partial.body, /<button class="danger" type="submit">确认退款<\/button>/);
    assert.equal(refundCalls().length, 0, 'the confirmation refunds nothing');

    const full = await post(postPath, { trade_no: tradeNo, amount: '88.80', reason: '顾客取消', step: 'confirm' });
    assert.ok(text(full.body).includes('退款成功后，订单将改为“已取消”'), text(full.body));
    assert.equal(suite.tables.orderStatus(orderId), OrderStatus.UNCOMMENT);
  });

  it('refunds on confirming: 退款成功 above the timeline and in it, the order cancelled, the audit row in Chinese', async () => {
    const { orderId, tradeNo, postPath } = paidOrder('88.80');
    const { location, page } = await confirmAndExecute(postPath, tradeNo, '88.80', '顾客取消订单');
    assert.match(location, new RegExp(`^/admin/orders/${orderId}\\?notice=[\\w-]{22}$`));
    const told = text(notice(page.body));
    assert.ok(told.includes('退款成功'), told);
    assert.ok(told.includes('退款金额 −¥88.80'), told);
    const timeline = text(page.body);
    assert.ok(timeline.includes('退款成功 退款金额 −¥88.80'), timeline);
    assert.ok(timeline.includes(`申请人 ${ADMIN.user}`));
    assert.ok(timeline.includes('退款原因 顾客取消订单'));
    assert.ok(timeline.includes('已退款 ¥88.80 可退 ¥0.00'), timeline);
    assert.ok(!page.body.includes(`refund?trade_no=${tradeNo}`), 'nothing left to refund: no 退款 link');
    assert.equal(suite.tables.orderStatus(orderId), OrderStatus.CANCELED);

    const [call] = refundCalls();
    const biz = JSON.parse(call!.params.biz_content!);
    assert.deepEqual([biz.trade_no, biz.refund_amount, biz.refund_reason], [tradeNo, '88.80', '顾客取消订单']);
    assert.ok(call!.signedByApp);
    assert.ok(timeline.includes(`退款请求号 ${biz.out_request_no}`));
    const audit = suite.tables.store.adminActions.filter((action) => action.action === 'refund');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, ADMIN.user);
    assert.equal(audit[0]!.target, tradeNo);
    const auditPage = text((await request('/admin/audit')).body);
    assert.ok(auditPage.includes(`${ADMIN.user}`) && auditPage.includes(' 退款 '), auditPage.slice(0, 2000));
  });

  it('shows Alipay’s refusal in Chinese with its sub_code, and the amount stays refundable', async () => {
    const { orderId, tradeNo, postPath } = paidOrder('88.80');
    gateway.answer = refusedWith('ACQ.TRADE_NOT_ALLOW_REFUND', 'trade not allow refund');
    const { page } = await confirmAndExecute(postPath, tradeNo, '20.00', '部分退款');
    const told = text(notice(page.body));
    assert.ok(told.includes('退款失败'), told);
    assert.ok(told.includes('交易状态不允许退款（ACQ.TRADE_NOT_ALLOW_REFUND）'), told);
    const timeline = text(page.body);
    assert.ok(timeline.includes('退款失败'), timeline);
    assert.ok(timeline.includes('失败原因 交易状态不允许退款（ACQ.TRADE_NOT_ALLOW_REFUND）'), timeline);
    assert.ok(page.body.includes(`refund?trade_no=${tradeNo}`), 'still refundable');
    assert.equal(suite.tables.orderStatus(orderId), OrderStatus.UNCOMMENT);

    gateway.answer = refusedWith('ACQ.SOMETHING_NEW', '某个新的原因');
    const other = await confirmAndExecute(postPath, tradeNo, '20.00', '再试一次');
    assert.ok(
      text(notice(other.page.body)).includes('某个新的原因（ACQ.SOMETHING_NEW）'),
      'an unlisted code: Alipay’s sub_msg and the code',
    );
  });

  it('tells of a refund Alipay has not confirmed as 退款处理中, holding its amount', async () => {
    const { tradeNo, postPath, formPath } = paidOrder('88.80');
    gateway.answer = () => ({ status: 502, body: 'bad gateway' });
    const { page } = await confirmAndExecute(postPath, tradeNo, '30.00', '部分退款');
    const told = text(notice(page.body));
    assert.ok(told.includes('退款处理中'), told);
    assert.ok(told.includes('不会重复退款'), told);
    assert.ok(text(page.body).includes('已退款 ¥0.00 可退 ¥58.80'), text(page.body));
    const calls = refundCalls().map((call) => JSON.parse(call.params.biz_content!).out_request_no);
    assert.equal(new Set(calls).size, 1, `every retry reuses one out_request_no: ${calls}`);
    const form = text((await request(formPath)).body);
    assert.ok(form.includes('这笔支付有一笔退款正在处理中'), 'no second refund while one is pending');
  });

  it('lets an operator ask Alipay about a pending refund now (查询退款), not sooner than 10 s after it, and audits it', async () => {
    const { orderId, tradeNo, postPath } = paidOrder('88.80');
    gateway.answer = () => ({ status: 502, body: 'bad gateway' });
    const { page } = await confirmAndExecute(postPath, tradeNo, '30.00', '部分退款');
    const check = page.body.match(/action="(\/admin\/refunds\/RF[0-9a-f]+\/check)"/)?.[1];
    assert.ok(check, 'a pending refund offers 查询退款');
    const tooSoon = await post(check, {});
    assert.equal(tooSoon.status, 303);
    const soon = await request(tooSoon.headers.get('location')!);
    assert.ok(text(notice(soon.body)).includes('尚未查询'), text(notice(soon.body)));
    clock.advance(15_000);
    gateway.answer = (call) => gateway.refundFoundAnswer(call, '30.00');
    const asked = await post(check, {});
    const settled = await request(asked.headers.get('location')!);
    assert.ok(text(notice(settled.body)).includes('向支付宝查询退款：退款成功'), text(notice(settled.body)));
    assert.ok(!settled.body.includes('/check"'), 'a settled refund offers no check');
    assert.equal(suite.tables.orderStatus(orderId), OrderStatus.UNCOMMENT, 'a partial refund');
    const audited = suite.tables.store.adminActions.filter((action) => action.action === 'check_refund');
    assert.deepEqual(
      audited.map((action) => [action.actor, action.detail.replace(/（.*/, '')]),
      [[ADMIN.user, `订单 ${orderId}：退款成功`]],
    );
    const asViewer = await signedInViewer();
    assert.equal((await post(check, {}, asViewer)).status, 403);
  });

  it('refunds once when the confirmation is sent twice, and shows the first refund’s outcome the second time', async () => {
    const { tradeNo, postPath } = paidOrder('88.80');
    const fields = { trade_no: tradeNo, amount: '10.00', reason: '缺少一件商品' };
    const confirmation = await post(postPath, { ...fields, step: 'confirm' });
    const twice = await Promise.all([1, 2].map(() => post(postPath, { ...fields, ...executeFields(confirmation.body) })));
    assert.deepEqual(
      twice.map((r) => r.status),
      [303, 303],
    );
    const again = await post(postPath, { ...fields, ...executeFields(confirmation.body) });
    const told = text(notice((await request(again.headers.get('location')!)).body));
    assert.ok(told.includes('退款成功'), told);
    assert.equal(refundCalls().length, 1);
    assert.equal(suite.tables.store.refunds.size, 1);
  });

  it('goes back to the form with what was typed, and refuses ids that cannot be an order or a refund', async () => {
    const { tradeNo, postPath } = paidOrder('88.80');
    const edit = await post(postPath, { trade_no: tradeNo, amount: '12.30', reason: '改一下', step: 'edit' });
    assert.equal(edit.status, 200);
    assert.match(edit.body, /name="amount" value="12.30"/);
    assert.ok(edit.body.includes('>改一下</textarea>'));
    assert.equal((await request('/admin/orders/not%20an%20order/refund')).status, 400);
    assert.equal((await post('/admin/refunds/not%20a%20refund/check', {})).status, 400);
    assert.equal((await post('/admin/refunds/RF0000/check', {})).status, 400, 'no such refund');
    const other = paidOrder('5.00');
    const stolen = await post(postPath, { trade_no: tradeNo, amount: '1.00', reason: '试试', out_request_no: 'RF0000', step: 'execute' });
    assert.equal(stolen.status, 303, 'an unknown out_request_no is simply this refund’s');
    const theirs = (await request(stolen.headers.get('location')!)).body.match(/RF0000/);
    assert.ok(theirs);
    const reused = await post(other.postPath, {
      trade_no: other.tradeNo,
      amount: '1.00',
      reason: '试试',
      out_request_no: 'RF0000',
      step: 'execute',
    });
    assert.equal(reused.status, 400, 'another order’s out_request_no is refused');
    assert.ok(text(reused.body).includes('已失效'), text(reused.body));
    assert.equal(refundCalls().length, 1);
  });

  it('keeps what was typed and says in Chinese beside the field what is wrong', async () => {
    const { tradeNo, postPath } = paidOrder('88.80');
    const tooMuch = await post(postPath, { trade_no: tradeNo, amount: '100.00', reason: '多退', step: 'confirm' });
    assert.equal(tooMuch.status, 400);
    assert.ok(fieldError(tooMuch.body, 'amount').includes('超过剩余可退金额 ¥88.80'), tooMuch.body);
    assert.match(tooMuch.body, /name="amount" value="100.00"/);
    assert.ok(tooMuch.body.includes('>多退</textarea>'));

    const noReason = await post(postPath, { trade_no: tradeNo, amount: '1.00', reason: '  ', step: 'confirm' });
    assert.ok(fieldError(noReason.body, 'reason').startsWith('请填写退款原因'), noReason.body);
    const badAmount = await post(postPath, { trade_no: tradeNo, amount: '1.234', reason: '原因', step: 'confirm' });
    assert.ok(fieldError(badAmount.body, 'amount').includes('最多两位小数'));
    const zero = await post(postPath, { trade_no: tradeNo, amount: '0', reason: '原因', step: 'confirm' });
    assert.ok(fieldError(zero.body, 'amount').includes('必须大于'));
    const long = await post(postPath, { trade_no: tradeNo, amount: '1.00', reason: '退'.repeat(257), step: 'execute' });
    assert.ok(fieldError(long.body, 'reason').includes('最多 256 个字'));
    assert.equal(refundCalls().length, 0);
    assert.equal(suite.tables.store.refunds.size, 0);
  });

  it('offers 退款 on a payment kept for review, in the list and on the timeline, and the refund resolves the review', async () => {
    const { orderId, tradeNo, postPath } = paidOrder('50.00', 'ORDER_CANCELED');
    const list = await request('/admin/payments?state=needs_review');
    assert.ok(list.body.includes(`href="/admin/orders/${orderId}/refund?trade_no=${tradeNo}"`), 'the 待核对 row offers 退款');
    const confirmation = await post(postPath, { trade_no: tradeNo, amount: '50.00', reason: '订单已取消，原路退回', step: 'confirm' });
    assert.ok(text(confirmation.body).includes('退款成功后，该笔待核对支付将标记为已处理'), text(confirmation.body));
    const { page } = await confirmAndExecute(postPath, tradeNo, '50.00', '订单已取消，原路退回');
    const timeline = text(page.body);
    assert.ok(timeline.includes('已处理：'), timeline);
    assert.ok(timeline.includes('退款 50.00 元'), 'the resolution is the refund');
    assert.equal(suite.tables.orderStatus(orderId), OrderStatus.CANCELED);
  });

  it('shows a viewer no 退款, refuses them the form, and refuses their post with 403', async () => {
    const { orderId, tradeNo, formPath, postPath } = paidOrder('88.80', 'ORDER_CANCELED');
    const asViewer = await signedInViewer();
    assert.ok(!(await request(`/admin/orders/${orderId}`, {}, asViewer)).body.includes('/refund'));
    assert.ok(!(await request('/admin/payments?state=needs_review', {}, asViewer)).body.includes('/refund'));
    const form = await request(formPath, {}, asViewer);
    assert.equal(form.status, 403);
    assert.match(form.body, /只读账号/);
    const posted = await post(postPath, { trade_no: tradeNo, amount: '1.00', reason: '试试', step: 'execute' }, asViewer);
    assert.equal(posted.status, 403);
    assert.match(posted.body, /只读账号/, 'refused for the role, the form token being good');
    assert.equal(refundCalls().length, 0);
    assert.equal(suite.tables.store.refunds.size, 0);
  });

  it('refuses a post without the form token: 403, Alipay not asked, nothing stored or audited', async () => {
    const { tradeNo, postPath } = paidOrder('88.80');
    const refused = await request(postPath, {
      method: 'POST',
      body: new URLSearchParams({ trade_no: tradeNo, amount: '1.00', reason: '跨站', step: 'execute' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(refused.status, 403);
    assert.equal(refundCalls().length, 0);
    assert.equal(suite.tables.store.refunds.size, 0);
    assert.deepEqual(suite.tables.store.adminActions, []);
  });

  it('says when there is nothing to refund, and 404 for an order nothing is known of', async () => {
    const { orderId } = paidOrder('88.80');
    const wrongTrade = await request(`/admin/orders/${orderId}/refund?trade_no=NOPE`);
    assert.equal(wrongTrade.status, 400);
    assert.ok(text(wrongTrade.body).includes('没有这笔可以退款的支付宝支付'));
    assert.ok(!wrongTrade.body.includes('name="amount"'));
    assert.equal((await request(`/admin/orders/${newOrderId()}/refund`)).status, 404);
  });
});
