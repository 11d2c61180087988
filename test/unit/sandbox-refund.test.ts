import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { type KeyObject, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseTradeBill } from '../../src/infrastructure/alipay/bill/parse-trade-bill.ts';
import { decideRefund, type SandboxRefund } from '../../src/sandbox/refund-rules.ts';
import { SANDBOX_GATEWAY_PATH, type SandboxAlipay } from '../../src/sandbox/sandbox-alipay.ts';
import { SandboxRefunds } from '../../src/sandbox/sandbox-refunds.ts';
import type { SandboxTrade } from '../../src/sandbox/sandbox-trades.ts';
import { fixedClock } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import {
  merchantSigned,
  SANDBOX_TEST_APP_ID,
  SANDBOX_TEST_SELLER_ID,
  sandboxKeys,
  serveSandbox,
  stopSandbox,
} from '../support/sandbox-server.ts';

const APP_ID = SANDBOX_TEST_APP_ID;
const SELLER_ID = SANDBOX_TEST_SELLER_ID;
/** Beijing 2026-11-26 10:00:00.143: refunds made now carry the milliseconds in gmt_refund. */
const clock = fixedClock('2026-11-26T02:00:00.143Z');
const { alipay: alipayKeys, other: otherKeys } = sandboxKeys;

type Params = Record<string, string>;

const REFUND = 'alipay.trade.refund';
const REFUND_QUERY = 'alipay.trade.fastpay.refund.query';

const signed = merchantSigned;

function callParams(method: string, biz: object): Params {
  return {
    app_id: APP_ID,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: '2026-11-26 10:00:00',
    version: '1.0',
    biz_content: JSON.stringify(biz),
  };
}

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly response: Params;
  /** Whether the answer carries a signature that verifies over the response object's exact text. */
  readonly verified: boolean;
  readonly signedAnswer: boolean;
}

/** Alipay's notify rule: every field but sign and sign_type, sorted, signed with Alipay's key. */
function notifyVerifies(fields: Params): boolean {
  const content = Object.keys(fields)
    .filter((key) => key !== 'sign' && key !== 'sign_type' && fields[key] !== '')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
  return verify('sha256', Buffer.from(content, 'utf8'), alipayKeys.publicKey, Buffer.from(fields.sign ?? '', 'base64'));
}

function paidTrade(tradeNo: string, outTradeNo: string, amount: string, notifyUrl: string | null): SandboxTrade {
  const paidAt = new Date(clock.now().getTime() - 3_600_000);
  return {
    tradeNo,
    outTradeNo,
    appId: APP_ID,
    sellerId: SELLER_ID,
    subject: '美多商城',
    totalAmount: amount,
    tradeStatus: 'TRADE_SUCCESS',
    gmtCreate: new Date(paidAt.getTime() - 5_000),
    gmtPayment: paidAt,
    gmtClose: null,
    notifyUrl,
  };
}

describe("the sandbox's refund rules", () => {
  const trade = paidTrade('T1', 'O1', '100.00', null);
  const refund = (outRequestNo: string, amount: string): SandboxRefund => ({
    tradeNo: 'T1',
    outRequestNo,
    amount,
    at: clock.now(),
    billOnly: false,
  });

  it('refunds what remains at most, and closes the trade with the refund that leaves nothing', () => {
    assert.deepEqual(decideRefund(trade, [], { outRequestNo: 'R1', amount: '30' }), {
      kind: 'new',
      outRequestNo: 'R1',
      amountFen: 3000,
      closes: false,
    });
    assert.deepEqual(decideRefund(trade, [refund('R1', '30.00')], { outRequestNo: 'R2', amount: '70.00' }), {
      kind: 'new',
      outRequestNo: 'R2',
      amountFen: 7000,
      closes: true,
    });
    const over = decideRefund(trade, [refund('R1', '30.00')], { outRequestNo: 'R2', amount: '70.01' });
    assert.equal(over.kind === 'refused' && over.subCode, 'ACQ.REASON_TRADE_REFUND_FEE_ERR');
    const zero = decideRefund(trade, [], { outRequestNo: 'R2', amount: '0.00' });
    assert.equal(zero.kind === 'refused' && zero.subCode, 'ACQ.REASON_TRADE_REFUND_FEE_ERR');
  });

  it('answers a repeat of an out_request_no as the refund made before, and refuses it with another amount', () => {
    const before = [refund('R1', '30.00')];
    assert.deepEqual(decideRefund(trade, before, { outRequestNo: 'R1', amount: '30' }), { kind: 'repeat', refund: before[0] });
    const closed = { ...trade, tradeStatus: 'TRADE_CLOSED' as const };
    assert.deepEqual(decideRefund(closed, before, { outRequestNo: 'R1', amount: '30.00' }), { kind: 'repeat', refund: before[0] });
    const discordant = decideRefund(trade, before, { outRequestNo: 'R1', amount: '30.01' });
    assert.equal(discordant.kind === 'refused' && discordant.subCode, 'ACQ.DISCORDANT_REPEAT_REQUEST');
  });

  it('refuses an unknown trade, one not paid and one closed', () => {
    const cases: Array<[SandboxTrade | undefined, string]> = [
      [undefined, 'ACQ.TRADE_NOT_EXIST'],
      [{ ...trade, tradeStatus: 'WAIT_BUYER_PAY', gmtPayment: null }, 'ACQ.TRADE_NOT_ALLOW_REFUND'],
      [{ ...trade, tradeStatus: 'TRADE_CLOSED', gmtPayment: null }, 'ACQ.TRADE_NOT_ALLOW_REFUND'],
      [{ ...trade, tradeStatus: 'TRADE_CLOSED' }, 'ACQ.TRADE_NOT_ALLOW_REFUND'],
    ];
    for (const [which, subCode] of cases) {
      const decision = decideRefund(which, [], { outRequestNo: 'R9', amount: '1.00' });
      assert.equal(decision.kind === 'refused' && decision.subCode, subCode, which?.tradeStatus ?? 'no trade');
    }
  });

  it('takes the order number for a request without out_request_no, and then only the whole amount', () => {
    assert.deepEqual(decideRefund(trade, [], { outRequestNo: null, amount: '100' }), {
      kind: 'new',
      outRequestNo: 'O1',
      amountFen: 10_000,
      closes: true,
    });
    const part = decideRefund(trade, [], { outRequestNo: null, amount: '10' });
    assert.equal(part.kind === 'refused' && part.subCode, 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL');
  });
});

for (const harness of databaseHarnesses) describeRefunds(harness);

function describeRefunds(harness: { name: string; open(): Promise<TestDatabase> }): void {
  describe(`the sandbox gateway refunds (${harness.name})`, () => {
    let database: TestDatabase;
    let sandbox: SandboxAlipay;
    let server: Server;
    let url: string;
    let shop: Server;
    let notifyUrl: string;
    const notified: Params[] = [];

    before(async () => {
      database = await harness.open();
      ({ sandbox, server, url } = await serveSandbox(database.knex, clock.now));
      // The shop's notify endpoint: keeps what arrives and acknowledges it.
      shop = createServer((request, response) => {
        let body = '';
        request.setEncoding('utf8');
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          notified.push(Object.fromEntries(new URLSearchParams(body)));
          response.end('success');
        });
      });
      await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
      notifyUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/payment/notify/`;
    });
    after(async () => {
      await stopSandbox({ sandbox, server });
      shop?.closeAllConnections();
      await new Promise<void>((resolve) => (shop ? shop.close(() => resolve()) : resolve()));
      await database?.close();
    });

    async function call(method: string, biz: object, init: { signal?: AbortSignal; key?: KeyObject } = {}): Promise<Reply> {
      const response = await fetch(`${url}${SANDBOX_GATEWAY_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: new URLSearchParams(signed(callParams(method, biz), init.key)).toString(),
        signal: init.signal,
      });
      const text = await response.text();
      const key = `${method.replaceAll('.', '_')}_response`;
      const match = new RegExp(`^\\{"${key}":(\\{.*\\}),"sign":"([A-Za-z0-9+/]+={0,2})"\\}$`, 's').exec(text);
      const verified =
        match !== null && verify('sha256', Buffer.from(match[1]!, 'utf8'), alipayKeys.publicKey, Buffer.from(match[2]!, 'base64'));
      const response_ = response.status === 200 ? (JSON.parse(text) as Record<string, Params>)[key]! : {};
      return { status: response.status, text, response: response_, verified, signedAnswer: match !== null };
    }

    const refund = (biz: object, init?: { signal?: AbortSignal; key?: KeyObject }) => call(REFUND, biz, init);
    const refundQuery = (biz: object) => call(REFUND_QUERY, biz);

    async function notifiesFor(outBizNo: string, count = 1): Promise<Params[]> {
      for (let i = 0; i < 300 && notified.filter((n) => n.out_biz_no === outBizNo).length < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return notified.filter((n) => n.out_biz_no === outBizNo);
    }

    it('refunds in part, answers the cumulative refund_fee signed like the trade query, and notifies TRADE_SUCCESS with gmt_refund to the millisecond', async () => {
      await sandbox.trades.record(paidTrade('2026112622001000000000000001', '20261126000000000000001', '100.00', notifyUrl));
      const first = await refund({
        out_trade_no: '20261126000000000000001',
        refund_amount: '30.00',
        out_request_no: 'RQ1',
        refund_reason: '缺货',
      });
      assert.ok(first.verified, `signed over the object's exact text: ${first.text}`);
      assert.deepEqual(first.response, {
        code: '10000',
        msg: 'Success',
        buyer_logon_id: 'san***@sandbox.example',
        buyer_user_id: '2088102000000000',
        fund_change: 'Y',
        gmt_refund_pay: '2026-11-26 10:00:00',
        out_trade_no: '20261126000000000000001',
        refund_fee: '30.00',
        send_back_fee: '30.00',
        trade_no: '2026112622001000000000000001',
      });
      const second = await refund({ trade_no: '2026112622001000000000000001', refund_amount: '12.5', out_request_no: 'RQ2' });
      assert.equal(second.response.fund_change, 'Y');
      assert.equal(second.response.refund_fee, '42.50', 'cumulative: both refunds');
      assert.equal(second.response.send_back_fee, '12.50');

      const [notify] = await notifiesFor('RQ2');
      assert.ok(notify, 'the refund notify reached notify_url');
      assert.ok(notifyVerifies(notify), 'signed by the notify rule');
      assert.equal(notify.sign_type, 'RSA2');
      assert.equal(notify.notify_type, 'trade_status_sync');
      assert.equal(notify.trade_status, 'TRADE_SUCCESS');
      assert.equal(notify.refund_fee, '42.50');
      assert.equal(notify.gmt_refund, '2026-11-26 10:00:00.143');
      assert.equal(notify.out_biz_no, 'RQ2');
      assert.equal(notify.trade_no, '2026112622001000000000000001');
      assert.equal(notify.out_trade_no, '20261126000000000000001');
      assert.equal(notify.total_amount, '100.00');
      assert.equal(notify.app_id, APP_ID);
      assert.equal(notify.seller_id, SELLER_ID);
      assert.equal(notify.gmt_close, undefined);
      assert.equal((await notifiesFor('RQ1')).length, 1);
    });

    it('moves nothing on a repeat of an out_request_no (fund_change N), and refuses one with another amount', async () => {
      await sandbox.trades.record(paidTrade('2026112622001000000000000002', '20261126000000000000002', '50.00', notifyUrl));
      const biz = { out_trade_no: '20261126000000000000002', refund_amount: '20.00', out_request_no: 'RQ3' };
      assert.equal((await refund(biz)).response.fund_change, 'Y');
      await notifiesFor('RQ3');
      const repeats = await Promise.all([refund(biz), refund({ ...biz, refund_amount: '20' })]);
      for (const repeat of repeats) {
        assert.ok(repeat.verified);
        assert.equal(repeat.response.code, '10000');
        assert.equal(repeat.response.fund_change, 'N');
        assert.equal(repeat.response.refund_fee, '20.00');
        assert.equal(repeat.response.send_back_fee, '20.00');
      }
      const discordant = await refund({ ...biz, refund_amount: '20.01' });
      assert.ok(discordant.verified, 'a business refusal is signed');
      assert.equal(discordant.response.code, '40004');
      assert.equal(discordant.response.sub_code, 'ACQ.DISCORDANT_REPEAT_REQUEST');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal((await notifiesFor('RQ3')).length, 1, 'one notify: the repeats moved nothing');
      const [kept] = await sandbox.refunds.refundedOn('2026-11-26').then((all) => all.filter((r) => r.outRequestNo === 'RQ3'));
      assert.equal(kept?.amount, '20.00');
    });

    it('refuses more than remains, an unknown trade and one not paid, signed with 40004', async () => {
      await sandbox.trades.record(paidTrade('2026112622001000000000000003', '20261126000000000000003', '10.00', null));
      assert.equal(
        (await refund({ out_trade_no: '20261126000000000000003', refund_amount: '6.00', out_request_no: 'RQ4' })).response.fund_change,
        'Y',
      );
      const cases: Array<[object, string]> = [
        [{ out_trade_no: '20261126000000000000003', refund_amount: '4.01', out_request_no: 'RQ5' }, 'ACQ.REASON_TRADE_REFUND_FEE_ERR'],
        [{ out_trade_no: '20261126099999999999999', refund_amount: '1.00', out_request_no: 'RQ6' }, 'ACQ.TRADE_NOT_EXIST'],
        [
          {
            trade_no: '2026112622001000000000000003',
            out_trade_no: '20261126000000000000001',
            refund_amount: '1.00',
            out_request_no: 'RQ6',
          },
          'ACQ.TRADE_NOT_EXIST',
        ],
      ];
      await sandbox.trades.record({
        ...paidTrade('2026112622001000000000000004', '20261126000000000000004', '10.00', null),
        tradeStatus: 'WAIT_BUYER_PAY',
        gmtPayment: null,
      });
      cases.push([{ out_trade_no: '20261126000000000000004', refund_amount: '1.00', out_request_no: 'RQ7' }, 'ACQ.TRADE_NOT_ALLOW_REFUND']);
      for (const [biz, subCode] of cases) {
        const reply = await refund(biz);
        assert.ok(reply.verified, reply.text);
        assert.equal(reply.response.code, '40004');
        assert.equal(reply.response.sub_code, subCode, JSON.stringify(biz));
      }
      assert.equal(
        (await refund({ out_trade_no: '20261126000000000000003', refund_amount: '4.00', out_request_no: 'RQ5' })).response.refund_fee,
        '10.00',
      );
    });

    it('closes the trade refunded in full: TRADE_CLOSED in its notify and its query, and no refund after', async () => {
      await sandbox.trades.record(paidTrade('2026112622001000000000000005', '20261126000000000000005', '88.80', notifyUrl));
      await refund({ out_trade_no: '20261126000000000000005', refund_amount: '8.80', out_request_no: 'RQ8' });
      const full = await refund({ out_trade_no: '20261126000000000000005', refund_amount: '80.00', out_request_no: 'RQ9' });
      assert.equal(full.response.refund_fee, '88.80');
      const [notify] = await notifiesFor('RQ9');
      assert.ok(notify && notifyVerifies(notify));
      assert.equal(notify.trade_status, 'TRADE_CLOSED');
      assert.equal(notify.refund_fee, '88.80');
      assert.equal(notify.gmt_close, '2026-11-26 10:00:00');
      assert.equal((await sandbox.trades.findByOutTradeNo(APP_ID, '20261126000000000000005'))?.tradeStatus, 'TRADE_CLOSED');
      const after = await refund({ out_trade_no: '20261126000000000000005', refund_amount: '0.01', out_request_no: 'RQ10' });
      assert.equal(after.response.sub_code, 'ACQ.TRADE_NOT_ALLOW_REFUND');
      assert.equal(
        (await refund({ out_trade_no: '20261126000000000000005', refund_amount: '80.00', out_request_no: 'RQ9' })).response.fund_change,
        'N',
      );
    });

    it('answers the refund query with REFUND_SUCCESS for a refund it made, and without refund_status for one it did not', async () => {
      const present = await refundQuery({
        out_trade_no: '20261126000000000000001',
        out_request_no: 'RQ2',
        query_options: ['gmt_refund_pay'],
      });
      assert.ok(present.verified, present.text);
      assert.deepEqual(present.response, {
        code: '10000',
        msg: 'Success',
        gmt_refund_pay: '2026-11-26 10:00:00',
        out_request_no: 'RQ2',
        out_trade_no: '20261126000000000000001',
        refund_amount: '12.50',
        refund_status: 'REFUND_SUCCESS',
        total_amount: '100.00',
        trade_no: '2026112622001000000000000001',
      });
      const absent = await refundQuery({ trade_no: '2026112622001000000000000001', out_request_no: 'RQ-never' });
      assert.ok(absent.verified);
      assert.equal(absent.response.code, '10000');
      assert.equal(absent.response.refund_status, undefined);
      assert.equal(absent.response.refund_amount, undefined);
      const unknown = await refundQuery({ out_trade_no: '20261126099999999999999', out_request_no: 'RQ1' });
      assert.equal(unknown.response.sub_code, 'ACQ.TRADE_NOT_EXIST');
    });

    it('answers unsigned 40002 to a refund signed with another key, and refunds nothing', async () => {
      const reply = await refund(
        { out_trade_no: '20261126000000000000001', refund_amount: '1.00', out_request_no: 'RQ-forged' },
        { key: otherKeys.privateKey },
      );
      assert.equal(reply.signedAnswer, false);
      assert.equal(reply.response.code, '40002');
      assert.equal(reply.response.sub_code, 'isv.invalid-signature');
      const bad = await refund({ out_trade_no: '20261126000000000000001', refund_amount: '1.001', out_request_no: 'RQ-bad' });
      assert.equal(bad.response.sub_code, 'isv.invalid-parameter');
      assert.equal(
        (await refundQuery({ out_trade_no: '20261126000000000000001', out_request_no: 'RQ-forged' })).response.refund_status,
        undefined,
      );
    });

    it('moves, once, the refunds the bills page kept one per trade in sandbox_alipay_bill_change before', async () => {
      const { knex } = database;
      await knex.raw(
        'CREATE TABLE IF NOT EXISTS sandbox_alipay_bill_change (trade_no varchar(64) PRIMARY KEY, omitted boolean NOT NULL DEFAULT false, bill_amount numeric(10,2))',
      );
      await knex.raw(
        `ALTER TABLE sandbox_alipay_bill_change ADD COLUMN IF NOT EXISTS refund_amount numeric(10,2),
           ADD COLUMN IF NOT EXISTS refunded_at timestamptz, ADD COLUMN IF NOT EXISTS refund_no varchar(64)`,
      );
      await knex('sandbox_alipay_bill_change').insert({
        trade_no: 'T-OLD',
        refund_amount: '1.00',
        refunded_at: new Date('2026-11-20T02:00:00Z'),
        refund_no: 'RF-OLD',
      });
      for (const _ of [1, 2]) await new SandboxRefunds(knex, sandbox.trades).ready();
      const moved = await sandbox.refunds.refundedOn('2026-11-20');
      assert.deepEqual(
        moved.map((r) => [r.tradeNo, r.outRequestNo, r.amount, r.billOnly]),
        [['T-OLD', 'RF-OLD', '1.00', true]],
      );
      const columns = await knex('information_schema.columns')
        .where({ table_name: 'sandbox_alipay_bill_change', column_name: 'refund_amount' })
        .whereRaw('table_schema = current_schema()');
      assert.deepEqual(columns, [], 'the old columns are gone');
    });

    it("lists every refund made through the API as a 退款 row of the day's bill, several of one trade", async () => {
      // The zip as Alipay writes it, read by our own reader.
      const bill = parseTradeBill((await sandbox.bills.zipOf('2026-11-26')).zip);
      const refunds = bill.rows.filter((row) => row.kind === 'refund' && row.tradeNo === '2026112622001000000000000001');
      assert.deepEqual(refunds.map((row) => [row.refundBatchNo, row.amountFen]).sort(), [
        ['RQ1', -3000],
        ['RQ2', -1250],
      ]);
      const page = await (await fetch(`${url}/sandbox/bills?date=2026-11-26`)).text();
      assert.match(page, /RQ2/);
    });

    it('carries the next refund out but withholds its answer and notify when told to: HTTP 502, or a connection held until the caller gives up', async () => {
      await sandbox.trades.record(paidTrade('2026112622001000000000000006', '20261126000000000000006', '30.00', notifyUrl));
      const armed = await fetch(`${url}/sandbox/refunds`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'action=arm&mode=http-502',
        redirect: 'manual',
      });
      assert.equal(armed.status, 302);
      assert.match(await (await fetch(`${url}/sandbox/refunds`)).text(), /以 HTTP 502 应答/);
      const lost = await refund({ out_trade_no: '20261126000000000000006', refund_amount: '10.00', out_request_no: 'RQ11' });
      assert.equal(lost.status, 502);
      assert.equal(
        (await refundQuery({ out_trade_no: '20261126000000000000006', out_request_no: 'RQ11' })).response.refund_status,
        'REFUND_SUCCESS',
      );
      const retried = await refund({ out_trade_no: '20261126000000000000006', refund_amount: '10.00', out_request_no: 'RQ11' });
      assert.equal(retried.response.fund_change, 'N', 'the switch served one refund; the retry is a repeat');

      await sandbox.refundFault.arm('hang');
      await assert.rejects(
        refund(
          { out_trade_no: '20261126000000000000006', refund_amount: '5.00', out_request_no: 'RQ12' },
          { signal: AbortSignal.timeout(500) },
        ),
        (error: Error) => error.name === 'TimeoutError',
      );
      assert.equal(await sandbox.refundFault.armed(), null, 'taken by that refund');
      const found = await refundQuery({ out_trade_no: '20261126000000000000006', out_request_no: 'RQ12' });
      assert.equal(found.response.refund_status, 'REFUND_SUCCESS');
      assert.equal(found.response.refund_amount, '5.00');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(await notifiesFor('RQ11', 0), [], 'no notify for a withheld refund');
      assert.deepEqual(await notifiesFor('RQ12', 0), []);
      const page = await (await fetch(`${url}/sandbox/refunds`)).text();
      assert.match(page, /RQ12/);
      assert.match(page, /下一笔退款：执行但不应答/);
    });
  });
}
