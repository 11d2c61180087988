import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BillUnreadable } from '../../src/application/errors.ts';
import type { TradeBill } from '../../src/application/ports/trade-bill.ts';
import { AlipayTradeBillSource } from '../../src/infrastructure/alipay/alipay-trade-bill-source.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { APP_ID, createTestAlipay } from '../support/alipay-signer.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { elapsedMs } from '../support/clock.ts';
import { BILL_NOT_OUT_YET, FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { FakeBillServer } from '../support/fake-bill-server.ts';
import { readWholeBill } from '../support/read-whole-bill.ts';
import { billRow, billZip, crlf, detailText, gbk } from '../support/trade-bill-fixtures.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();
const TIMEOUT_MS = 300;
const RESPONSE_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
const T0 = new Date('2026-12-01T02:00:00Z');

const BILL = billZip(
  gbk(
    crlf(
      detailText({
        lines: [
          billRow({ tradeNo: '2026113022001400000000000001', outTradeNo: '20261130100000000000001', amount: '88.80' }),
          billRow({ tradeNo: '2026113022001400000000000001', outTradeNo: '20261130100000000000001', kind: '退款', amount: '-8.80' }),
        ],
        totals: ['#交易合计：1笔，商家实收共88.80元，商家优惠共0.00元', '#退款合计：1笔，商家实收退款共-8.80元，商家优惠退款共0.00元'],
      }),
    ),
  ),
);

describe('AlipayTradeBillSource against a local fake gateway and download server', () => {
  let gateway: FakeAlipayGateway;
  let files: FakeBillServer;
  let source: AlipayTradeBillSource;

  before(async () => {
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    files = await new FakeBillServer().start();
    source = new AlipayTradeBillSource(
      nativeRequestSigner(appPrivateKey),
      { appId: APP_ID, gatewayUrl: gateway.url, timeoutMs: TIMEOUT_MS },
      { now: () => T0 },
      new NativeSignatureVerifier(parseAlipayPublicKey(alipay.publicKeyPem), 'RSA2'),
    );
  });
  after(async () => {
    await gateway?.close();
    await files?.close();
  });
  beforeEach(() => {
    gateway.calls.length = 0;
    files.status = 200;
    files.body = BILL;
    files.delayMs = 0;
    files.requests = 0;
  });

  const urlAnswer = (url = files.url()) => ({ code: '10000', msg: 'Success', bill_download_url: url });

  async function failure(pattern: RegExp, stage: BillUnreadable['stage'], date = '2026-11-30'): Promise<void> {
    await assert.rejects(readWholeBill(source, date), (error: unknown) => {
      assert.ok(error instanceof BillUnreadable, `a BillUnreadable, got ${String(error)}`);
      assert.equal(error.stage, stage);
      assert.match(error.message, pattern);
      return true;
    });
  }

  it('asks for the day’s trade bill, signed by the request rule, downloads the URL at once and reads it', async () => {
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer()) });
    const bill = (await readWholeBill(source, '2026-11-30')) as TradeBill;
    const [call] = gateway.calls;
    assert.equal(call?.signedByApp, true);
    assert.equal(call?.params.method, 'alipay.data.dataservice.bill.downloadurl.query');
    assert.equal(call?.params.app_id, APP_ID);
    assert.equal(call?.params.sign_type, 'RSA2');
    assert.equal(call?.params.timestamp, '2026-12-01 10:00:00');
    assert.deepEqual(JSON.parse(call?.params.biz_content ?? ''), { bill_type: 'trade', bill_date: '2026-11-30' });
    assert.equal(files.requests, 1);
    assert.deepEqual(
      bill.rows.map((row) => [row.kind, row.tradeNo, row.outTradeNo, row.amountFen]),
      [
        ['trade', '2026113022001400000000000001', '20261130100000000000001', 8880],
        ['refund', '2026113022001400000000000001', '20261130100000000000001', -880],
      ],
    );
    assert.deepEqual(bill.totals, { trades: { count: 1, amountFen: 8880 }, refunds: { count: 1, amountFen: -880 } });
    assert.deepEqual(bill.problems, []);
  });

  it('answers not_ready for a signed isp.bill_not_exist, and downloads nothing', async () => {
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, BILL_NOT_OUT_YET) });
    assert.equal(await readWholeBill(source, '2026-11-30'), 'not_ready');
    assert.equal(files.requests, 0);
  });

  it('fails on an unsigned answer, even one saying isp.bill_not_exist, and names Alipay’s code', async () => {
    gateway.answer = () => ({ body: `{"${RESPONSE_KEY}":${JSON.stringify(BILL_NOT_OUT_YET)}}` });
    await failure(/without a signature: 40004 isp\.bill_not_exist 账单不存在/, 'gateway');
    gateway.answer = () => ({
      body: `{"${RESPONSE_KEY}":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}}`,
    });
    await failure(/without a signature: 40002 isv\.invalid-signature/, 'gateway');
    assert.equal(files.requests, 0);
  });

  it('fails on an answer signed by another key, or altered after signing', async () => {
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer(), stranger.privateKey) });
    await failure(/does not verify/, 'gateway');
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer()).replace('"Success"', '"Success" ') });
    await failure(/does not verify/, 'gateway');
    gateway.answer = () => ({
      body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer('https://elsewhere.example/bill.zip')).replace('elsewhere', 'evil'),
    });
    await failure(/does not verify/, 'gateway');
    assert.equal(files.requests, 0);
  });

  it('fails on a signed refusal, a signed answer without a URL, another method’s answer, and what is not JSON', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        gateway.signedAnswer(RESPONSE_KEY, { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-parameter' }),
        /refused: 40004 isv\.invalid-parameter/,
      ],
      [gateway.signedAnswer(RESPONSE_KEY, { code: '10000', msg: 'Success' }), /no usable bill_download_url/],
      [gateway.signedAnswer(RESPONSE_KEY, urlAnswer('file:///etc/passwd')), /no usable bill_download_url/],
      [gateway.signedQueryAnswer(urlAnswer()), /has no alipay_data_dataservice_bill_downloadurl_query_response/],
      ['<html>502 Bad Gateway</html>', /not JSON/],
    ];
    for (const [body, pattern] of cases) {
      gateway.answer = () => ({ body });
      await failure(pattern, 'gateway');
    }
  });

  it('fails when the gateway answers an HTTP error or nothing within ALIPAY_HTTP_TIMEOUT', async () => {
    gateway.answer = () => ({ status: 502, body: 'Bad Gateway' });
    await failure(/answered HTTP 502/, 'gateway');
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer()), delayMs: TIMEOUT_MS + 500 });
    const started = elapsedMs();
    await failure(/within 300ms \(ALIPAY_HTTP_TIMEOUT\)/, 'gateway');
    assert.ok(elapsedMs() - started < TIMEOUT_MS + 400, 'gives up at the timeout');
  });

  it('fails when the download answers 404, hangs past the timeout, or serves what is not the bill', async () => {
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer()) });
    files.status = 404;
    await failure(/answered HTTP 404 to the bill download/, 'download');
    files.status = 200;
    files.delayMs = TIMEOUT_MS + 500;
    await failure(/the bill download from 127\.0\.0\.1:\d+ did not complete within 300ms/, 'download');
    files.delayMs = 0;
    files.body = gbk('not a zip');
    await failure(/not a zip archive/, 'file');
    files.body = billZip(gbk(detailText({ lines: [], columns: ['支付宝交易号', '商户订单号'] })));
    await failure(/lacks the column 业务类型/, 'file');
  });

  it('fails on the bill of another day', async () => {
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer()) });
    files.body = billZip(gbk(detailText({ day: '2026-11-29', lines: [] })));
    await failure(/downloaded for 2026-11-30 covers 2026-11-29 00:00:00 onwards/, 'file');
  });

  it('fails on a bill without its period line, which could be any day', async () => {
    gateway.answer = () => ({ body: gateway.signedAnswer(RESPONSE_KEY, urlAnswer()) });
    const withoutPeriod = detailText({ lines: [] })
      .split('\n')
      .filter((line) => !line.startsWith('#起始日期'))
      .join('\n');
    files.body = billZip(gbk(withoutPeriod));
    await failure(/downloaded for 2026-11-30 has no #起始日期 line: which day it covers is unknown/, 'file');
  });

  it('refuses a date that is not a yyyy-MM-dd day before asking', async () => {
    for (const date of ['2026-11', '2026-02-31', '20261130', 'yesterday']) {
      await assert.rejects(readWholeBill(source, date), RangeError);
    }
    assert.equal(gateway.calls.length, 0);
  });
});
