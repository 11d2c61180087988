import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { verify } from 'node:crypto';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import forge from 'node-forge';
import type { TradeBill } from '../../src/application/ports/trade-bill.ts';
import { beijingTimestamp } from '../../src/domain/beijing-time.ts';
import { AlipayTradeBillSource } from '../../src/infrastructure/alipay/alipay-trade-bill-source.ts';
import { parseTradeBill } from '../../src/infrastructure/alipay/bill/parse-trade-bill.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { SANDBOX_GATEWAY_PATH, type SandboxAlipay, type SandboxSettings } from '../../src/sandbox/sandbox-alipay.ts';
import type { SandboxTrade } from '../../src/sandbox/sandbox-trades.ts';
import { steadyClock, TEST_NOW } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { readWholeBill } from '../support/read-whole-bill.ts';
import { merchantSigned, pem, sandboxKeys, serveSandbox, stopSandbox } from '../support/sandbox-server.ts';
import { zipHeaders } from '../support/trade-bill-fixtures.ts';

const APP_ID = '2021000000000001';
const SELLER_ID = '2088000000000001';
const { app: appKeys, alipay: alipayKeys, other: otherKeys } = sandboxKeys;
const RESPONSE_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
const SIGNED_BODY = new RegExp(`^\\{"${RESPONSE_KEY}":(\\{.*\\}),"sign":"([A-Za-z0-9+/]+={0,2})"\\}$`, 's');
const beijing = (text: string) => new Date(`${text.replace(' ', 'T')}+08:00`);
const dayOf = (at: Date) => beijingTimestamp(at).slice(0, 10);

type Params = Record<string, string>;

const signed = merchantSigned;

function billParams(biz: object, extra: Params = {}): Params {
  return {
    app_id: APP_ID,
    method: 'alipay.data.dataservice.bill.downloadurl.query',
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: beijingTimestamp(TEST_NOW),
    version: '1.0',
    biz_content: JSON.stringify(biz),
    ...extra,
  };
}

function trade(tradeNo: string, outTradeNo: string, amount: string, paidAt: string, appId = APP_ID): SandboxTrade {
  return {
    tradeNo,
    outTradeNo,
    appId,
    sellerId: SELLER_ID,
    subject: '美多商城',
    totalAmount: amount,
    tradeStatus: 'TRADE_SUCCESS',
    gmtCreate: new Date(beijing(paidAt).getTime() - 5_000),
    gmtPayment: beijing(paidAt),
    gmtClose: null,
  };
}

for (const harness of databaseHarnesses) describeSandboxBills(harness);

function describeSandboxBills(harness: { name: string; open(): Promise<TestDatabase> }): void {
  describe(`the sandbox serves Alipay's daily trade bill (${harness.name})`, () => {
    let database: TestDatabase;
    let sandbox: SandboxAlipay;
    let server: Server;
    let url: string;
    let shiftMs = 0;
    // Noon in Beijing on 2 December: the bills of late November are published, today's is not over.
    const clock = steadyClock('2026-12-02T04:00:00Z');
    const now = () => new Date(clock.now().getTime() + shiftMs);

    const serve = (settings: Partial<SandboxSettings> = {}) => serveSandbox(database.knex, now, settings);
    const stop = stopSandbox;

    before(async () => {
      database = await harness.open();
      ({ sandbox, server, url } = await serve());
      // 2026-11-29 in Beijing: two payments of ours, one of another app, and one paid a second after midnight.
      for (const t of [
        trade('2026112922001000000000000001', '20261129100000000000001', '88.80', '2026-11-29 10:00:00'),
        trade('2026112922001000000000000002', '20261129100000000000002', '3798.00', '2026-11-29 23:59:59'),
        trade('2026112922001000000000000003', '20261129100000000000003', '1.00', '2026-11-29 12:00:00', '2021000000000999'),
        trade('2026113022001000000000000004', '20261129100000000000004', '5.00', '2026-11-30 00:00:01'),
      ]) {
        await sandbox.trades.record(t);
      }
    });
    after(async () => {
      await stop({ sandbox, server });
      await database?.close();
    });

    async function ask(
      params: Params,
      at = url,
    ): Promise<{ text: string; response: Record<string, string>; signedText?: string; sign?: string }> {
      const response = await fetch(`${at}${SANDBOX_GATEWAY_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: new URLSearchParams(params).toString(),
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json;charset=utf-8');
      const text = await response.text();
      const match = SIGNED_BODY.exec(text);
      return { text, response: JSON.parse(text)[RESPONSE_KEY], signedText: match?.[1], sign: match?.[2] };
    }

    const verifies = (reply: { signedText?: string; sign?: string }) =>
      reply.signedText !== undefined &&
      verify('sha256', Buffer.from(reply.signedText, 'utf8'), alipayKeys.publicKey, Buffer.from(reply.sign!, 'base64'));

    async function download(day: string): Promise<Uint8Array> {
      const reply = await ask(signed(billParams({ bill_type: 'trade', bill_date: day })));
      assert.equal(reply.response.code, '10000', reply.text);
      const response = await fetch(reply.response.bill_download_url!);
      assert.equal(response.status, 200);
      return new Uint8Array(await response.arrayBuffer());
    }

    function adapter(at = url): AlipayTradeBillSource {
      const appPrivateKey = forge.pki.privateKeyFromPem(pem(appKeys.privateKey, 'pkcs8')) as forge.pki.rsa.PrivateKey;
      return new AlipayTradeBillSource(
        nativeRequestSigner(appPrivateKey),
        { appId: APP_ID, gatewayUrl: `${at}${SANDBOX_GATEWAY_PATH}`, timeoutMs: 5_000 },
        { now },
        new NativeSignatureVerifier(parseAlipayPublicKey(pem(alipayKeys.publicKey, 'spki')), 'RSA2'),
      );
    }

    it('answers a signed bill_download_url that verifies over the exact bytes, serving the day in Alipay’s format', async () => {
      const reply = await ask(signed(billParams({ bill_type: 'trade', bill_date: '2026-11-29' })));
      assert.ok(verifies(reply), `SHA256withRSA over the object text as sent: ${reply.text}`);
      assert.deepEqual(Object.keys(JSON.parse(reply.signedText!)), ['code', 'msg', 'bill_download_url']);
      assert.equal(reply.response.msg, 'Success');
      assert.match(reply.response.bill_download_url!, new RegExp(`^${url}/sandbox/bills/2026-11-29\\.\\d+\\.[\\w-]{43}\\.zip$`));

      const response = await fetch(reply.response.bill_download_url!);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/zip');
      assert.match(response.headers.get('content-disposition') ?? '', /filename="20880000000000010156_20261129\.csv\.zip"/);
      const zip = new Uint8Array(await response.arrayBuffer());
      const headers = zipHeaders(zip);
      assert.deepEqual(
        headers.map((header) => iconv.decode(Buffer.from(header.name), 'gbk')),
        ['20880000000000010156_20261129_业务明细.csv', '20880000000000010156_20261129_业务明细(汇总).csv'],
      );
      assert.ok(
        headers.every((header) => (header.localFlags & 0x0800) === 0 && (header.centralFlags & 0x0800) === 0),
        'no UTF-8 flag',
      );

      const bill = parseTradeBill(zip);
      assert.deepEqual(bill.problems, []);
      assert.equal(bill.account, '20880000000000010156');
      assert.deepEqual(bill.period, { from: beijing('2026-11-29 00:00:00'), to: beijing('2026-11-30 00:00:00') });
      assert.deepEqual(
        bill.rows.map((row) => [row.kind, row.tradeNo, row.outTradeNo, row.amountFen, row.receivedFen, row.finishedAt]),
        [
          ['trade', '2026112922001000000000000001', '20261129100000000000001', 8880, 8880, beijing('2026-11-29 10:00:00')],
          ['trade', '2026112922001000000000000002', '20261129100000000000002', 379_800, 379_800, beijing('2026-11-29 23:59:59')],
        ],
      );
      assert.deepEqual(bill.totals, { trades: { count: 2, amountFen: 388_680 }, refunds: { count: 0, amountFen: 0 } });
    });

    it('writes GBK with CRLF, the comment lines, tab-suffixed ids and the totals lines', async () => {
      const zip = await download('2026-11-29');
      const files = unzipSync(zip);
      const detail = Object.keys(files).find((name) => !name.includes('('));
      const text = iconv.decode(Buffer.from(files[detail!]!), 'gbk');
      assert.ok(text.endsWith('\r\n'));
      assert.doesNotMatch(text, /[^\r]\n/, 'every line ends in CRLF');
      const lines = text.split('\r\n');
      assert.deepEqual(lines.slice(0, 4), [
        '#支付宝业务明细查询',
        '#账号：[20880000000000010156]',
        '#起始日期：[2026年11月29日 00:00:00]   终止日期：[2026年11月30日 00:00:00]',
        '#-----------------------------------------业务明细列表----------------------------------------',
      ]);
      assert.match(lines[4]!, /^支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,/);
      assert.match(
        lines[5]!,
        /^2026112922001000000000000001\t,20261129100000000000001\t,交易\t,美多商城,2026-11-29 09:59:55,2026-11-29 10:00:00,/,
      );
      assert.deepEqual(lines.slice(7, 10), [
        '#-----------------------------------------业务明细列表结束------------------------------------',
        '#交易合计：2笔，商家实收共3886.80元，商家优惠共0.00元',
        '#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元',
      ]);
      assert.match(lines[10]!, /^#导出时间：\[\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}:\d{2}\]$/);
    });

    it('lets the URL serve for 30 seconds only, and only as signed', async () => {
      const reply = await ask(signed(billParams({ bill_type: 'trade', bill_date: '2026-11-29' })));
      const link = reply.response.bill_download_url!;
      assert.equal((await fetch(link)).status, 200);
      assert.equal((await fetch(link)).status, 200, 'more than once while it lasts');
      const tampered = link.replace('2026-11-29.', '2026-11-28.');
      assert.equal((await fetch(tampered)).status, 404, 'another day under the same signature');
      shiftMs = 31_000;
      try {
        const expired = await fetch(link);
        assert.equal(expired.status, 404);
        assert.match(await expired.text(), /无效或已过期/);
      } finally {
        shiftMs = 0;
      }
    });

    it('answers a signed isp.bill_not_exist for a day not over, unless today is served (the default)', async () => {
      const today = dayOf(now());
      const tomorrow = dayOf(new Date(now().getTime() + 86_400_000));
      const future = await ask(signed(billParams({ bill_type: 'trade', bill_date: tomorrow })));
      assert.ok(verifies(future), future.text);
      assert.deepEqual(JSON.parse(future.signedText!), {
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'isp.bill_not_exist',
        sub_msg: '账单不存在',
      });
      assert.equal(await readWholeBill(adapter(), tomorrow), 'not_ready');

      // Today's bill, with what was paid so far: a payment through the cashier's trade table, now.
      const paidNow = now();
      await sandbox.trades.record({
        ...trade(`${today.replaceAll('-', '')}22001000000000000099`, 'TODAY-1', '12.34', beijingTimestamp(paidNow)),
        gmtPayment: paidNow,
      });
      const bill = (await readWholeBill(adapter(), today)) as TradeBill;
      assert.ok(
        bill.rows.some((row) => row.outTradeNo === 'TODAY-1' && row.amountFen === 1234),
        'today’s payment is on today’s bill',
      );

      const strict = await serve({ billsForToday: false });
      try {
        const reply = await ask(signed(billParams({ bill_type: 'trade', bill_date: today })), strict.url);
        assert.ok(verifies(reply));
        assert.equal(reply.response.sub_code, 'isp.bill_not_exist');
        assert.equal(await readWholeBill(adapter(strict.url), today), 'not_ready');
        assert.equal((await readWholeBill(adapter(strict.url), '2026-11-29')) === 'not_ready', false, 'a past day still serves');
      } finally {
        await stop(strict);
      }
    });

    it('refuses, unsigned, a request with another key, another bill type or a bad date', async () => {
      const cases: Array<[Params, string, RegExp]> = [
        [signed(billParams({ bill_type: 'trade', bill_date: '2026-11-29' }), otherKeys.privateKey), 'isv.invalid-signature', /验签出错/],
        [signed(billParams({ bill_type: 'signcustomer', bill_date: '2026-11-29' })), 'isv.invalid-parameter', /bill_type/],
        [signed(billParams({ bill_type: 'trade', bill_date: '2026-11' })), 'isv.invalid-parameter', /bill_date/],
        [signed(billParams({ bill_type: 'trade', bill_date: '2026-02-30' })), 'isv.invalid-parameter', /bill_date/],
        [
          signed(billParams({ bill_type: 'trade', bill_date: '2026-11-29' }, { app_id: '2021000000000999' })),
          'isv.invalid-app-id',
          /AppID/,
        ],
      ];
      for (const [params, subCode, message] of cases) {
        const reply = await ask(params);
        assert.equal(reply.sign, undefined, `${subCode} is not signed`);
        assert.equal(reply.response.code, '40002');
        assert.equal(reply.response.sub_code, subCode);
        assert.match(reply.response.sub_msg!, message);
      }
    });

    it('changes its bill on request: a payment left out, an amount altered, a refund, a trade of an unknown order', async () => {
      const change = async (form: Params) => {
        const response = await fetch(`${url}/sandbox/bills`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form),
          redirect: 'manual',
        });
        assert.equal(response.status, 302, await response.text());
        return response.headers.get('location');
      };
      assert.equal(
        await change({ action: 'omit', trade_no: '2026112922001000000000000001', date: '2026-11-29' }),
        '/sandbox/bills?date=2026-11-29',
      );
      await change({ action: 'amount', trade_no: '2026112922001000000000000002', amount: '3700.00', date: '2026-11-29' });
      await change({ action: 'refund', trade_no: '2026112922001000000000000002', date: '2026-11-29' });
      await change({ action: 'unknown-order', date: '2026-11-29' });

      const day = parseTradeBill(await download('2026-11-29'));
      assert.deepEqual(
        day.rows.map((row) => [row.kind, row.tradeNo, row.amountFen]),
        [['trade', '2026112922001000000000000002', 370_000]],
      );
      const today = parseTradeBill(await download(dayOf(now())));
      const refund = today.rows.find((row) => row.kind === 'refund');
      assert.equal(refund?.tradeNo, '2026112922001000000000000002');
      assert.equal(refund?.amountFen, -379_800, 'a full refund of the trade');
      assert.match(refund?.refundBatchNo ?? '', /^RF\d{14}/);
      assert.ok(today.rows.some((row) => row.kind === 'trade' && row.outTradeNo.startsWith('SANDBOX') && row.amountFen === 100));
      assert.equal(today.totals?.refunds.count, 1);

      const page = await fetch(`${url}/sandbox/bills?date=2026-11-29`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /2026-11-29 的交易账单/);
      assert.ok(
        html.includes('<small class="mark">沙箱环境</small>') && !html.includes('site.css'),
        "the sandbox's layout, not the shop's",
      );
      assert.match(html, /2026112922001000000000000001/);
      assert.match(html, /不在账单上/);
      assert.match(html, /¥3700\.00/);
      assert.doesNotMatch(html, /style=/);

      await change({ action: 'restore', trade_no: '2026112922001000000000000001', date: '2026-11-29' });
      await change({ action: 'restore', trade_no: '2026112922001000000000000002', date: '2026-11-29' });
      const restored = parseTradeBill(await download('2026-11-29'));
      assert.deepEqual(
        restored.rows.map((row) => row.amountFen),
        [8880, 379_800],
      );
      const refused = await fetch(`${url}/sandbox/bills`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action: 'amount', trade_no: '2026112922001000000000000001', amount: '-1' }),
      });
      assert.equal(refused.status, 400);
    });

    it('answers hostile input on its bill routes without a 5xx', async () => {
      const nasty = [
        '%',
        '%zz',
        '%00',
        '%ff',
        '__proto__',
        'constructor',
        '..%2F..%2Fetc%2Fpasswd',
        '美多',
        '<script>',
        '9999-99-99',
        '2026-11-29.zip',
        'x.zip',
        '2026-11-29.1.a.zip',
      ];
      const requests: Array<[string, RequestInit?]> = [];
      for (const value of nasty) {
        requests.push([`${url}/sandbox/bills?date=${value}`], [`${url}/sandbox/bills/${value}`], [`${url}/sandbox/bills/${value}.zip`]);
        for (const action of ['omit', 'restore', 'amount', 'refund', 'unknown-order', value]) {
          const form = `action=${action}&trade_no=${value}&amount=${value}&date=${value}`;
          requests.push([
            `${url}/sandbox/bills`,
            { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form },
          ]);
        }
        const params = signed(billParams({ bill_type: value, bill_date: value }));
        const body = new URLSearchParams({ ...params, biz_content: value }).toString();
        requests.push([
          `${url}${SANDBOX_GATEWAY_PATH}`,
          { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body },
        ]);
      }
      for (const [target, init] of requests) {
        const response = await fetch(target, { ...init, redirect: 'manual' });
        await response.arrayBuffer();
        assert.ok(response.status < 500, `${init?.method ?? 'GET'} ${target} ${init?.body ?? ''}: ${response.status}`);
      }
    });

    it('still answers alipay.trade.query on the same gateway path', async () => {
      const reply = await fetch(`${url}${SANDBOX_GATEWAY_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: new URLSearchParams(
          signed({ ...billParams({}), method: 'alipay.trade.query', biz_content: '{"out_trade_no":"20261129100000000000001"}' }),
        ),
      });
      const body = JSON.parse(await reply.text());
      assert.equal(body.alipay_trade_query_response.trade_no, '2026112922001000000000000001');
    });
  });
}
