import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { verify } from 'node:crypto';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { beijingTimestamp } from '../../src/domain/beijing-time.ts';
import { SANDBOX_GATEWAY_PATH, type SandboxAlipay } from '../../src/sandbox/sandbox-alipay.ts';
import { SandboxTrades } from '../../src/sandbox/sandbox-trades.ts';
import { steadyClock } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { merchantSigned, sandboxKeys, serveSandbox, stopSandbox } from '../support/sandbox-server.ts';

const APP_ID = '2021000000000001';
/** The sandbox's clock and the time our requests carry. */
const steady = steadyClock();
/** Moves the sandbox's clock on, for a trade's time_expire to pass. */
let shiftMs = 0;
const clock = { now: () => new Date(steady.now().getTime() + shiftMs) };
const { alipay: alipayKeys, other: otherKeys } = sandboxKeys;

type Params = Record<string, string>;

const signed = merchantSigned;

function queryParams(outTradeNo: string, extra: Params = {}): Params {
  return {
    app_id: APP_ID,
    method: 'alipay.trade.query',
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: beijingTimestamp(clock.now()),
    version: '1.0',
    biz_content: JSON.stringify({ out_trade_no: outTradeNo }),
    ...extra,
  };
}

interface QueryReply {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The alipay_trade_query_response object, parsed. */
  readonly response: Record<string, string>;
  /** The response object's exact text, cut from the body, and the signature over it, when there is one. */
  readonly signedText?: string;
  readonly sign?: string;
}

const SIGNED_BODY = /^\{"alipay_trade_query_response":(\{.*\}),"sign":"([A-Za-z0-9+/]+={0,2})"\}$/s;

for (const harness of databaseHarnesses) describeTradeQuery(harness);

function describeTradeQuery(harness: { name: string; open(): Promise<TestDatabase> }): void {
  describe(`the sandbox gateway answers alipay.trade.query (${harness.name})`, () => {
    let database: TestDatabase;
    let sandbox: SandboxAlipay;
    let server: Server;
    let url: string;

    before(async () => {
      // The sandbox creates its table itself, in whatever schema the service's knex points at.
      database = await harness.open();
      ({ sandbox, server, url } = await serveSandbox(database.knex, clock.now));
    });
    after(async () => {
      await stopSandbox({ sandbox, server });
      await database?.close();
    });

    /** A pay request our app signed: page pay, or wap pay with a quit_url; time_expire when given. No notify_url: no notify. */
    function payRequest(orderId: string, amount: string, { wap = false, timeExpire }: { wap?: boolean; timeExpire?: string } = {}): string {
      const request = signed({
        app_id: APP_ID,
        method: wap ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay',
        charset: 'utf-8',
        sign_type: 'RSA2',
        timestamp: beijingTimestamp(clock.now()),
        version: '1.0',
        return_url: `${url}/payment/status/`,
        ...(wap ? { quit_url: `${url}/sandbox/orders` } : {}),
        biz_content: JSON.stringify({
          out_trade_no: orderId,
          total_amount: amount,
          subject: '美多商城',
          product_code: wap ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
          ...(timeExpire ? { time_expire: timeExpire } : {}),
        }),
      });
      return new URLSearchParams(request).toString();
    }

    /** The cashier's button pressed on `request` (payRequest's), or on a page-pay request for the order. */
    async function payAtCashier(
      orderId: string,
      amount: string,
      action: 'pay' | 'pay-silently' | 'cancel',
      request = payRequest(orderId, amount),
    ): Promise<Response> {
      return fetch(`${url}/sandbox/pay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request, action }),
        redirect: 'manual',
      });
    }

    async function query(body: string, queryString = ''): Promise<QueryReply> {
      const response = await fetch(`${url}${SANDBOX_GATEWAY_PATH}${queryString ? `?${queryString}` : ''}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body,
      });
      const text = await response.text();
      const match = SIGNED_BODY.exec(text);
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        text,
        response: (JSON.parse(text) as { alipay_trade_query_response: Record<string, string> }).alipay_trade_query_response,
        signedText: match?.[1],
        sign: match?.[2],
      };
    }

    const form = (params: Params) => new URLSearchParams(params).toString();
    const verifiesAs = (reply: QueryReply, hash: 'sha256' | 'sha1') =>
      verify(hash, Buffer.from(reply.signedText!, 'utf8'), alipayKeys.publicKey, Buffer.from(reply.sign!, 'base64'));

    it('answers 10000 TRADE_SUCCESS for a trade paid with 付款但不回跳, signed over the exact object text', async () => {
      const start = clock.now();
      const paid = await payAtCashier('20261130100000000000001', '88.80', 'pay-silently');
      assert.equal(paid.status, 200);
      const page = await paid.text();
      assert.match(page, /已付款（回跳与通知均已丢弃）/);
      assert.match(page, /alipay\.trade\.query/);
      assert.match(page, new RegExp(`href="${url}/"`));
      assert.doesNotMatch(page, /style=/);
      const tradeNo = /\d{8}22001\d{15}/.exec(page)?.[0];
      assert.ok(tradeNo, 'the page shows the trade number');
      assert.equal(sandbox.notifier.deliveries.length, 0, 'no notify');

      const reply = await query(form(signed(queryParams('20261130100000000000001'))));
      assert.equal(reply.status, 200);
      assert.equal(reply.contentType, 'application/json;charset=utf-8');
      assert.ok(reply.signedText, `a signed body: ${reply.text}`);
      assert.equal(reply.text.indexOf('"alipay_trade_query_response"'), 1, 'the response key comes first');
      assert.ok(verifiesAs(reply, 'sha256'), 'SHA256withRSA over the object text as sent');
      const sendPayDate = reply.response.send_pay_date!;
      assert.ok(sendPayDate >= beijingTimestamp(start) && sendPayDate <= beijingTimestamp(clock.now()), sendPayDate);
      assert.deepEqual(JSON.parse(reply.signedText!), {
        code: '10000',
        msg: 'Success',
        buyer_logon_id: 'san***@sandbox.example',
        buyer_pay_amount: '88.80',
        buyer_user_id: '2088102000000000',
        invoice_amount: '88.80',
        out_trade_no: '20261130100000000000001',
        point_amount: '0.00',
        receipt_amount: '88.80',
        send_pay_date: sendPayDate,
        total_amount: '88.80',
        trade_no: tradeNo,
        trade_status: 'TRADE_SUCCESS',
      });
      assert.deepEqual(Object.keys(JSON.parse(reply.signedText!)).slice(0, 2), ['code', 'msg']);
    });

    it('stores the trade of 确认付款 too, refuses to take a paid order again, and lists trades by Beijing day of payment', async () => {
      const orderId = '20261130100000000000002';
      const first = await payAtCashier(orderId, '3798', 'pay');
      assert.equal(first.status, 302);
      assert.match(first.headers.get('location')!, new RegExp(`^${url}/payment/status/\\?`));
      const newest = new URL(first.headers.get('location')!).searchParams.get('trade_no');
      // A second tab, or Back: Alipay refuses a second payment of the same out_trade_no.
      for (const refused of [
        await payAtCashier(orderId, '3798.00', 'pay'),
        await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${payRequest(orderId, '3798.00')}`),
      ]) {
        assert.equal(refused.status, 400);
        assert.match(await refused.text(), new RegExp(`ACQ.TRADE_HAS_SUCCESS 交易已支付：订单 ${orderId} 已由支付宝交易 ${newest} 付款`));
      }

      const reply = await query(form(signed(queryParams(orderId))));
      assert.equal(reply.response.trade_no, newest);
      assert.equal(reply.response.total_amount, '3798.00');

      const trade = await sandbox.trades.findByOutTradeNo(APP_ID, orderId);
      const day = beijingTimestamp(trade!.gmtPayment!).slice(0, 10);
      const paidThatDay = await sandbox.trades.paidOn(day);
      assert.ok(paidThatDay.some((t) => t.tradeNo === newest));
      assert.ok(paidThatDay.every((t) => beijingTimestamp(t.gmtPayment!).startsWith(day)));
      assert.deepEqual(await sandbox.trades.paidOn('2001-01-01'), []);
      assert.equal(await sandbox.trades.findByOutTradeNo('2021000000000999', orderId), undefined, 'another app sees nothing');
    });

    it('leaves no trade behind 取消, and goes back to the shop: its quit_url on wap, its home on page pay', async () => {
      const cancelled = await payAtCashier('20261130100000000000003', '1.00', 'cancel');
      assert.equal(cancelled.status, 302);
      assert.equal(cancelled.headers.get('location'), `${url}/`);
      const wap = payRequest('20261130100000000000003', '1.00', { wap: true });
      assert.equal((await payAtCashier('20261130100000000000003', '1.00', 'cancel', wap)).headers.get('location'), `${url}/sandbox/orders`);
      assert.equal(await sandbox.trades.findByOutTradeNo(APP_ID, '20261130100000000000003'), undefined);
    });

    it("marks every sandbox page alike and links its cashier to its bills and notifies, never wearing the shop's header", async () => {
      const SANDBOX_MARK = '<small class="mark">沙箱环境</small>';
      const NAV = '<a href="/sandbox/bills">交易账单</a><a href="/sandbox/refunds">退款</a><a href="/sandbox/notifies">异步通知</a>';
      const pages = {
        'the page cashier': await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${payRequest('20261130100000000000006', '1.00')}`),
        'the phone cashier': await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${payRequest('20261130100000000000006', '1.00', { wap: true })}`),
        'a refusal': await fetch(`${url}${SANDBOX_GATEWAY_PATH}?app_id=1`),
        'the notifies page': await fetch(`${url}/sandbox/notifies`, { headers: { Accept: 'text/html' } }),
      };
      for (const [name, response] of Object.entries(pages)) {
        const html = await response.text();
        assert.ok(html.includes(SANDBOX_MARK) && html.includes(NAV), name);
        assert.ok(!html.includes('美多商城</a>') && !html.includes('site.css'), `${name}: not the shop's layout`);
      }
      const json = await fetch(`${url}/sandbox/notifies`);
      assert.match(json.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(await json.json(), [], 'scripts still get the deliveries as JSON');
    });

    it('pays a wap request and returns alipay.trade.wap.pay.return to return_url, signed by Alipay', async () => {
      const orderId = '20261130100000000000004';
      const cashier = await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${payRequest(orderId, '88.80', { wap: true })}`);
      assert.equal(cashier.status, 200);
      const paid = await payAtCashier(orderId, '88.80', 'pay', payRequest(orderId, '88.80', { wap: true }));
      assert.equal(paid.status, 302);
      const returned = Object.fromEntries(new URL(paid.headers.get('location')!).searchParams);
      assert.equal(returned.method, 'alipay.trade.wap.pay.return');
      const content = Object.keys(returned)
        .filter((k) => k !== 'sign' && k !== 'sign_type' && returned[k] !== '')
        .sort()
        .map((k) => `${k}=${returned[k]}`)
        .join('&');
      assert.ok(verify('sha256', Buffer.from(content), alipayKeys.publicKey, Buffer.from(returned.sign!, 'base64')));
    });

    it('refuses a return_url or quit_url that is not http(s), before anything can lead a browser there', async () => {
      const orderId = '20261130100000000000009';
      const withUrl = (key: 'return_url' | 'quit_url', value: string) => {
        const params = Object.fromEntries(new URLSearchParams(payRequest(orderId, '1.00', { wap: true })));
        delete params.sign;
        return new URLSearchParams(signed({ ...params, [key]: value })).toString();
      };
      for (const [key, value] of [
        ['quit_url', 'javascript:alert(1)'],
        ['quit_url', 'data:text/html,x'],
        ['return_url', 'javascript:alert(1)'],
      ] as const) {
        const refused = await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${withUrl(key, value)}`);
        assert.equal(refused.status, 400, `${key}=${value}`);
        assert.match(await refused.text(), new RegExp(`${key === 'quit_url' ? 'quit_url' : 'return_url'}.*不是 http\\(s\\) 网址`));
      }
    });

    it('takes one payment of an order when 确认付款 is pressed twice at once', async () => {
      const orderId = '20261130100000000000007';
      const request = payRequest(orderId, '8.80');
      const answers = await Promise.all([1, 2, 3].map(() => payAtCashier(orderId, '8.80', 'pay', request)));
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [302, 400, 400]);
      for (const refused of answers.filter((answer) => answer.status === 400)) assert.match(await refused.text(), /ACQ.TRADE_HAS_SUCCESS/);
      const reply = await query(form(signed(queryParams(orderId))));
      assert.equal(reply.response.trade_status, 'TRADE_SUCCESS');
      assert.equal(
        new URL(answers.find((a) => a.status === 302)!.headers.get('location')!).searchParams.get('trade_no'),
        reply.response.trade_no,
      );
    });

    it('refuses, under the order lock, a second payment that passed the cashier before the first was stored', async () => {
      // Two presses at once both pass the cashier's check; which one the lock refuses is up to timing,
      // so the lock's own refusal is shown here, without the race.
      const trades = new SandboxTrades(database.knex);
      const at = clock.now();
      const trade = (tradeNo: string) => ({
        tradeNo,
        outTradeNo: '20261130100000000000009',
        appId: APP_ID,
        sellerId: '2088000000000001',
        subject: '美多商城',
        totalAmount: '8.80',
        tradeStatus: 'TRADE_SUCCESS' as const,
        gmtCreate: at,
        gmtPayment: at,
        gmtClose: null,
      });
      assert.ok('paid' in (await trades.pay(trade('2026113022001400000000000901'), at)));
      const second = await trades.pay(trade('2026113022001400000000000902'), at);
      assert.ok('refused' in second);
      assert.equal(second.refused.tradeNo, '2026113022001400000000000901');
    });

    it("closes the order's trade at the time_expire of the cashier that opened it: later URLs cannot pay it either", async () => {
      const orderId = '20261130100000000000008';
      const inAMinute = beijingTimestamp(new Date(clock.now().getTime() + 60_000));
      assert.equal((await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${payRequest(orderId, '1.00', { timeExpire: inAMinute })}`)).status, 200);
      assert.equal((await query(form(signed(queryParams(orderId))))).response.trade_status, 'WAIT_BUYER_PAY');
      shiftMs += 2 * 60_000;
      const later = beijingTimestamp(new Date(clock.now().getTime() + 30 * 60_000));
      const fresh = payRequest(orderId, '1.00', { timeExpire: later });
      for (const refused of [await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${fresh}`), await payAtCashier(orderId, '1.00', 'pay', fresh)]) {
        assert.equal(refused.status, 400);
        assert.match(await refused.text(), new RegExp(`ACQ.TRADE_HAS_CLOSE 交易已关闭：订单 ${orderId} 的交易于 ${inAMinute} 超时关闭`));
      }
      assert.equal((await query(form(signed(queryParams(orderId))))).response.trade_status, 'TRADE_CLOSED');
    });

    it('refuses a pay URL past its time_expire, at the cashier and at 确认付款, and pays one still open', async () => {
      const orderId = '20261130100000000000005';
      const past = beijingTimestamp(new Date(clock.now().getTime() - 1_000));
      const expired = payRequest(orderId, '1.00', { timeExpire: past });
      for (const refused of [
        await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${expired}`),
        await payAtCashier(orderId, '1.00', 'pay', expired),
      ]) {
        assert.equal(refused.status, 400);
        assert.match(await refused.text(), new RegExp(`ACQ.TRADE_HAS_CLOSE 交易已关闭：支付链接已于 ${past} 过期`));
      }
      assert.equal(await sandbox.trades.findByOutTradeNo(APP_ID, orderId), undefined);
      const badly = await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${payRequest(orderId, '1.00', { timeExpire: '2026-13-01 00:00:00' })}`);
      assert.match(await badly.text(), /time_expire 须为 yyyy-MM-dd HH:mm:ss/);
      const future = beijingTimestamp(new Date(clock.now().getTime() + 60_000));
      assert.equal((await payAtCashier(orderId, '1.00', 'pay', payRequest(orderId, '1.00', { timeExpire: future }))).status, 302);
    });

    it('answers a signed 40004 ACQ.TRADE_NOT_EXIST for an order without a trade', async () => {
      const reply = await query(form(signed(queryParams('20261130199999999999999'))));
      assert.ok(reply.signedText, reply.text);
      assert.ok(verifiesAs(reply, 'sha256'));
      assert.equal(
        reply.signedText,
        '{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在","buyer_pay_amount":"0.00",' +
          '"invoice_amount":"0.00","out_trade_no":"20261130199999999999999","point_amount":"0.00","receipt_amount":"0.00"}',
      );
    });

    it('signs with SHA1withRSA when the request is sign_type RSA', async () => {
      const reply = await query(form(signed(queryParams('20261130100000000000001', { sign_type: 'RSA' }))));
      assert.equal(reply.response.code, '10000');
      assert.ok(verifiesAs(reply, 'sha1'));
    });

    it('answers an unsigned 40002 isv.invalid-signature to a request signed with another key, or tampered', async () => {
      const other = await query(form(signed(queryParams('20261130100000000000001'), otherKeys.privateKey)));
      const tampered = await query(
        form({ ...signed(queryParams('20261130100000000000001')), biz_content: '{"out_trade_no":"20261130100000000000002"}' }),
      );
      for (const reply of [other, tampered]) {
        assert.equal(reply.status, 200);
        assert.equal(
          reply.text,
          '{"alipay_trade_query_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature",' +
            '"sub_msg":"验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配"}}',
        );
      }
    });

    it('answers unsigned 40002 to an unknown app, an unknown method and a biz_content without out_trade_no', async () => {
      const cases: Array<[Params, string]> = [
        [queryParams('1', { app_id: '2021000000000999' }), 'isv.invalid-app-id'],
        [queryParams('1', { method: 'alipay.trade.close' }), 'isv.invalid-method'],
        [queryParams('1', { biz_content: '{"out_trade_no":' }), 'isv.invalid-parameter'],
        [queryParams('1', { biz_content: '{"trade_no":"2026113022001000000000000001"}' }), 'isv.invalid-parameter'],
      ];
      for (const [params, subCode] of cases) {
        const reply = await query(form(signed(params)));
        assert.equal(reply.status, 200);
        assert.equal(reply.sign, undefined, `${subCode} is not signed`);
        assert.deepEqual(Object.keys(JSON.parse(reply.text)), ['alipay_trade_query_response']);
        assert.equal(reply.response.code, '40002');
        assert.equal(reply.response.sub_code, subCode);
      }
    });

    it('takes the SDK style: common parameters in the query string, biz_content in the body', async () => {
      const { biz_content, ...common } = signed(queryParams('20261130100000000000001'));
      const reply = await query(form({ biz_content: biz_content! }), form(common));
      assert.equal(reply.response.code, '10000');
      assert.ok(verifiesAs(reply, 'sha256'));
    });

    it('refuses a key given twice, in the query and the body or twice in the body', async () => {
      const params = signed(queryParams('20261130100000000000001'));
      const inBoth = await query(form(params), form({ out_trade_no: '1', biz_content: params.biz_content! }));
      const twiceInBody = await query(`${form(params)}&app_id=${APP_ID}`);
      for (const reply of [inBoth, twiceInBody]) {
        assert.equal(reply.sign, undefined);
        assert.equal(reply.response.code, '40002');
        assert.equal(reply.response.sub_code, 'isv.invalid-parameter');
      }
      assert.match(inBoth.response.sub_msg!, /biz_content/);
      assert.match(twiceInBody.response.sub_msg!, /app_id/);
    });

    it('keeps the GET of the gateway for the cashier', async () => {
      const response = await fetch(`${url}${SANDBOX_GATEWAY_PATH}?${form(signed(queryParams('1')))}`);
      assert.equal(response.status, 400, 'a query request is no page-pay request');
      assert.match(await response.text(), /不支持的接口/);
    });
  });
}
