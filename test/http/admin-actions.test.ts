import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, beforeEach, describe, it } from 'node:test';
import { REPLAY_PER_REQUEST } from '../../src/application/replay-as-operator.ts';
import { createTestAlipay, newOrderId, returnParams } from '../support/alipay-signer.ts';
import { appPublicKeyPem } from '../support/app-keys.ts';
import { FakeAlipayGateway, notExistAnswer, paidAnswer } from '../support/fake-alipay-gateway.ts';
import { FakeBillServer } from '../support/fake-bill-server.ts';
import { ADMIN, memoryAppForSuite } from '../support/test-app.ts';
import { billZip, crlf, detailText, gbk } from '../support/trade-bill-fixtures.ts';

const alipay = createTestAlipay();
const AUTH = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
const URL_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
// The day before the suite's (TEST_NOW is 2026-11-26 in Beijing).
const DAY = '2026-11-25';

describe('the admin actions 查单, 重放 and 重新对账, over in-memory stores with Alipay faked', () => {
  let gateway: FakeAlipayGateway;
  const bills = new FakeBillServer();
  let billOut = true;
  const options: { alipayPublicKeyPem: string; openApiGatewayUrl?: string; reconcileAtMinutes?: number } = {
    alipayPublicKeyPem: alipay.publicKeyPem,
    reconcileAtMinutes: 9 * 60 + 30,
  };
  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    await bills.start();
    bills.body = billZip(gbk(crlf(detailText({ day: DAY, lines: [] }))), { day: DAY.replaceAll('-', '') });
    options.openApiGatewayUrl = gateway.url;
  });
  const suite = memoryAppForSuite(options);
  after(async () => {
    await gateway.close();
    await bills.close();
  });
  beforeEach(() => {
    suite.tables.empty();
    gateway.calls.length = 0;
    billOut = true;
    gateway.answer = (call) => {
      if (call.params.method !== 'alipay.trade.query') {
        if (!billOut) return { body: gateway.billNotOutYet() };
        return { body: gateway.signedAnswer(URL_KEY, { code: '10000', msg: 'Success', bill_download_url: bills.url(DAY) }) };
      }
      return { body: gateway.signedQueryAnswer(notExistAnswer(call.outTradeNo)) };
    };
  });

  const admin = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(suite.app.url + path, { redirect: 'manual', ...init, headers: { Authorization: AUTH, ...init.headers } });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  const tokenOn = (body: string) => body.match(/name="_csrf" value="([^"]+)"/)?.[1];
  /** Posts a form as our own page would, then follows the 303 to the page it names. */
  async function act(path: string, fields: Record<string, string>) {
    const token = tokenOn((await admin('/admin/rejections')).body)!;
    const posted = await admin(path, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
    });
    assert.equal(posted.status, 303, `${path}: ${posted.body.slice(0, 300)}`);
    const location = posted.headers.get('location')!;
    return { location, page: await admin(location) };
  }
  const audit = () => suite.tables.store.adminActions.map(({ actor, action, target, detail }) => ({ actor, action, target, detail }));
  const notice = (body: string) => body.match(/<section class="card action-notice[^"]*"[^>]*>([\s\S]*?)<\/section>/)?.[1] ?? '';

  describe('查单', () => {
    it('asks Alipay from the timeline, records the payment it confirms, and shows the answer field by field', async () => {
      const orderId = newOrderId();
      suite.tables.seedOrder(orderId, '88.80');
      gateway.answer = (call) => ({ body: gateway.signedQueryAnswer(paidAnswer(call.outTradeNo, '88.80', 'T-QUERIED')) });
      const timeline = await admin(`/admin/orders/${orderId}`);
      assert.match(timeline.body, new RegExp(`<form class="action-form" method="post" action="/admin/orders/${orderId}/query">`));

      const { location, page } = await act(`/admin/orders/${orderId}/query`, {});
      assert.match(location, new RegExp(`^/admin/orders/${orderId}\\?notice=[\\w-]{22}$`));
      const shown = notice(page.body);
      assert.ok(shown.includes('向支付宝查单：已支付'), shown);
      assert.ok(shown.includes('已记录支付（来源：主动查询）'));
      assert.ok(shown.includes('<dt>trade_no</dt><dd class="mono">T-QUERIED</dd>'), 'the fields Alipay returned');
      assert.ok(!shown.includes('<dt>sign</dt>'));
      assert.equal(suite.tables.payments(orderId)[0]?.source, 'query');
      assert.ok(page.body.includes('主动查询支付宝'), "the timeline's newest entry is the query");
      assert.deepEqual(audit(), [
        { actor: ADMIN.user, action: 'query_order', target: orderId, detail: '已支付：已记录支付（来源：主动查询），交易号 T-QUERIED' },
      ]);
      assert.ok((await admin('/admin/audit')).body.includes('向支付宝查单'));
    });

    it('says in Chinese that Alipay gave no answer to rely on, and what to do next, when the gateway fails', async () => {
      const orderId = newOrderId();
      suite.tables.seedOrder(orderId, '88.80');
      gateway.answer = () => ({ status: 502, body: 'bad gateway' });
      const { page } = await act(`/admin/orders/${orderId}/query`, {});
      const shown = notice(page.body);
      assert.ok(shown.includes('向支付宝查单：没有可信的应答'), shown);
      assert.ok(shown.includes('请稍后再点“查单”重试'), shown);
      assert.ok(shown.includes('原因（技术详情）'));
      assert.equal(suite.tables.payments(orderId).length, 0);
      assert.equal(audit()[0]?.action, 'query_order');
      assert.match(audit()[0]!.detail, /^没有可信的应答：/);
    });

    it('shows no outcome a link makes up, nor one of another order', async () => {
      const [asked, other] = [newOrderId(), newOrderId()];
      suite.tables.seedOrder(asked, '88.80');
      suite.tables.seedOrder(other, '88.80');
      const { location, page } = await act(`/admin/orders/${asked}/query`, {});
      assert.ok(notice(page.body).includes('支付宝还没有这笔交易；本地无需处理'), 'ACQ.TRADE_NOT_EXIST, told as what it means');
      const id = new URL(location, 'http://x').searchParams.get('notice');
      for (const link of [`/admin/orders/${asked}?notice=forged`, `/admin/orders/${other}?notice=${id}`]) {
        const shown = notice((await admin(link)).body);
        assert.ok(shown.includes('操作结果已不在此处'), link);
        assert.ok(!shown.includes('向支付宝查单'), link);
      }
    });

    it('refuses a post without the form token: 403, Alipay not asked, nothing audited', async () => {
      const orderId = newOrderId();
      suite.tables.seedOrder(orderId, '88.80');
      const refused = await admin(`/admin/orders/${orderId}/query`, {
        method: 'POST',
        body: '',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(refused.status, 403);
      assert.equal(gateway.calls.length, 0);
      assert.deepEqual(audit(), []);
    });
  });

  describe('重放', () => {
    /** A genuine return for an order not placed yet: refused as ORDER_NOT_FOUND, and kept for replay. */
    async function refusedReturn(tradeNo: string) {
      const orderId = newOrderId();
      const refused = await suite.app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80', tradeNo))}`);
      assert.equal(refused.status, 404);
      return orderId;
    }
    const replayIds = (body: string) => [...body.matchAll(/action="\/admin\/rejections\/(\d+)\/replay"/g)].map((match) => match[1]!);

    it('replays one refused callback from its row, once its order exists, and says what it came to', async () => {
      const orderId = await refusedReturn('T-ONE');
      suite.tables.seedOrder(orderId, '88.80');
      const [id] = replayIds((await admin(`/admin/rejections?q=${orderId}`)).body);
      assert.ok(id, 'the row offers 重放');
      const { location, page } = await act(`/admin/rejections/${id}/replay`, { q: orderId });
      assert.match(location, new RegExp(`^/admin/rejections\\?q=${orderId}&notice=`), 'back to the same filter');
      assert.ok(notice(page.body).includes('检查 1 条：恢复 1 条，仍被拒绝 0 条'), notice(page.body));
      assert.equal(suite.tables.payments(orderId)[0]?.tradeNo, 'T-ONE');
      assert.deepEqual(replayIds(page.body), [], 'a recovered callback offers no second replay');
      assert.deepEqual(audit(), [
        { actor: ADMIN.user, action: 'replay_rejections', target: `拒绝记录 #${id}`, detail: '检查 1 条：恢复 1 条，仍被拒绝 0 条' },
      ]);
    });

    it('replays those the filter shows once confirmed, and nothing without the confirmation', async () => {
      const wanted = await refusedReturn('T-WANTED');
      const other = await refusedReturn('T-OTHER');
      for (const orderId of [wanted, other]) suite.tables.seedOrder(orderId, '88.80');
      const list = await admin(`/admin/rejections?q=${wanted}`);
      assert.match(list.body, /<input type="checkbox" name="confirm" value="yes" required>/);
      assert.ok(list.body.includes(`每次最多 ${REPLAY_PER_REQUEST} 条`));

      const unconfirmed = await act('/admin/rejections/replay', { q: wanted });
      assert.ok(notice(unconfirmed.page.body).includes('请先勾选“确认重放”'));
      assert.deepEqual(audit(), []);

      const { page } = await act('/admin/rejections/replay', { q: wanted, confirm: 'yes' });
      assert.ok(notice(page.body).includes('检查 1 条：恢复 1 条'), notice(page.body));
      assert.equal(suite.tables.payments(wanted).length, 1);
      assert.equal(suite.tables.payments(other).length, 0, 'outside the filter: untouched');
      assert.deepEqual(audit(), [
        {
          actor: ADMIN.user,
          action: 'replay_rejections',
          target: `订单号或交易号：${wanted}`,
          detail: '检查 1 条：恢复 1 条，仍被拒绝 0 条',
        },
      ]);

      const again = await act('/admin/rejections/replay', { q: wanted, confirm: 'yes' });
      assert.ok(notice(again.page.body).includes('没有需要重放的回调'));
    });

    it(`replays at most ${REPLAY_PER_REQUEST} a request, says how many are left, and the next press goes on`, async () => {
      const refused = REPLAY_PER_REQUEST + 3;
      for (let n = 0; n < refused; n++) await refusedReturn(`T-CAP${n}`);
      const first = await act('/admin/rejections/replay', { q: 'T-CAP', confirm: 'yes' });
      assert.ok(
        notice(first.page.body).includes(`检查 ${REPLAY_PER_REQUEST} 条：恢复 0 条，仍被拒绝 ${REPLAY_PER_REQUEST} 条`),
        notice(first.page.body),
      );
      assert.ok(notice(first.page.body).includes('还有 3 条未重放'));
      const second = await act('/admin/rejections/replay', { q: 'T-CAP', confirm: 'yes' });
      assert.ok(notice(second.page.body).includes('检查 3 条：恢复 0 条，仍被拒绝 3 条'), notice(second.page.body));
      assert.deepEqual(
        audit().map((row) => row.detail),
        [
          `检查 ${REPLAY_PER_REQUEST} 条：恢复 0 条，仍被拒绝 ${REPLAY_PER_REQUEST} 条；达到单次上限 ${REPLAY_PER_REQUEST} 条，还有 3 条`,
          '检查 3 条：恢复 0 条，仍被拒绝 3 条',
        ],
      );
    });
  });

  describe('重新对账', () => {
    it('reconciles a day never run from its page, shows the outcome and the next scheduled run, and audits it', async () => {
      const before = await admin(`/admin/reconciliation/${DAY}`);
      assert.equal(before.status, 404);
      assert.ok(before.body.includes('下次：2026-11-27 09:30'), 'the next daily run, RECONCILE_AT 09:30');
      assert.match(before.body, new RegExp(`<form class="action-form" method="post" action="/admin/reconciliation/${DAY}/rerun">`));

      const { location, page } = await act(`/admin/reconciliation/${DAY}/rerun`, {});
      assert.match(location, new RegExp(`^/admin/reconciliation/${DAY}\\?notice=`));
      assert.equal(page.status, 200, 'the day has a run now');
      assert.ok(notice(page.body).includes('已重新对账'), notice(page.body));
      assert.deepEqual(audit(), [
        { actor: ADMIN.user, action: 'rerun_reconciliation', target: DAY, detail: '完成：相符 0 笔，退款 0 笔，补录与差异 0 笔' },
      ]);
      const rerun = await act(`/admin/reconciliation/${DAY}/rerun`, {});
      assert.ok(notice(rerun.page.body).includes('已重新对账'), 'a finished day runs again');
      assert.equal(audit().length, 2);
    });

    it('says the bill is not out yet and when to try again, and keeps the day free for the next try', async () => {
      billOut = false;
      const { page } = await act(`/admin/reconciliation/${DAY}/rerun`, {});
      assert.ok(notice(page.body).includes('支付宝账单尚未生成'), notice(page.body));
      assert.ok(!page.body.includes('这一天已有对账在进行'));
      assert.equal(audit()[0]?.detail, '支付宝账单尚未生成');
    });

    it('refuses a day that is no calendar day, naming the problem', async () => {
      const token = tokenOn((await admin('/admin/rejections')).body)!;
      const refused = await admin('/admin/reconciliation/2026-02-31/rerun', {
        method: 'POST',
        body: new URLSearchParams({ _csrf: token }).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(refused.status, 400);
      assert.deepEqual(audit(), []);
    });
  });
});
