import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId, returnParams } from '../support/alipay-signer.ts';
import { databaseHarnesses } from '../support/databases.ts';
import { appForSuite, orderStatus, paymentRows, seedOrder } from '../support/test-app.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();

for (const harness of databaseHarnesses) {
  describe(`GET /payment/status/ on ${harness.name}`, () => {
    const suite = appForSuite(harness, { alipayPublicKeyPem: alipay.publicKeyPem });
    let orderId: string;
    const ret = (query: string) => suite.app.get(`/payment/status/?${query}`);
    const validQuery = (extra: Record<string, string> = {}) => alipay.signedQuery({ ...returnParams(orderId, '3798.00'), ...extra });

    beforeEach(async () => {
      orderId = newOrderId();
      await seedOrder(suite.db.knex, orderId, '3798.00');
    });

    async function assertNothingWritten(): Promise<void> {
      assert.deepEqual(await paymentRows(suite.db.knex, orderId), []);
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNPAID);
    }

    async function assertPaidOnceByReturn(): Promise<void> {
      assert.deepEqual(await paymentRows(suite.db.knex, orderId), [
        { trade_id: returnParams(orderId, '3798.00').trade_no, amount: '3798.00', source: 'return', state: 'applied', review_reason: null },
      ]);
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNCOMMENT);
    }

    it('confirms a valid return: 200 pay_success, one payment, order UNCOMMENT', async () => {
      const tradeNo = returnParams(orderId, '3798.00').trade_no!;
      const response = await ret(validQuery());
      assert.equal(response.status, 200);
      assert.match(response.body, /订单支付成功/);
      assert.match(response.body, new RegExp(`您的订单已成功支付，支付交易号：<strong class="trade-id">${tradeNo}</strong>`));
      assert.match(response.body, new RegExp(`<dt>订单号</dt><dd class="order-no">${orderId}</dd>`));
      assert.match(response.body, /<dt>支付金额<\/dt><dd class="paid-amount">¥3798.00<\/dd>/);
      assert.match(
        response.body,
        /<a href="https:\/\/www.meiduo.example\/user_center_order.html">您可以在【用户中心】->【我的订单】查看该订单<\/a>/,
      );
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      await assertPaidOnceByReturn();
    });

    it('shows the same success page on refresh and writes nothing more', async () => {
      const query = validQuery();
      const first = await ret(query);
      const second = await ret(query);
      assert.equal(second.status, 200);
      assert.equal(second.body, first.body);
      assert.equal((await paymentRows(suite.db.knex, orderId)).length, 1);
    });

    it('confirms 30 concurrent identical returns once, with 30 success pages', async () => {
      const query = validQuery();
      const responses = await Promise.all(Array.from({ length: 30 }, () => ret(query)));
      assert.deepEqual(
        responses.map((r) => r.status),
        Array(30).fill(200),
      );
      assert.equal((await paymentRows(suite.db.knex, orderId)).length, 1);
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNCOMMENT);
    });

    it('applies one of 10 different trades racing for one order and flags the other 9 as already paid', async () => {
      const queries = Array.from({ length: 10 }, (_, i) => alipay.signedQuery(returnParams(orderId, '3798.00', `RACE${orderId}${i}`)));
      const responses = await Promise.all(queries.map(ret));
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, ...Array(9).fill(409)]);
      const rows = await paymentRows(suite.db.knex, orderId);
      assert.equal(rows.filter((row) => row.state === 'applied').length, 1);
      assert.equal(rows.filter((row) => row.review_reason === 'ALREADY_PAID').length, 9);
    });

    const forged: Array<[string, () => string]> = [
      ['no sign', () => validQuery().replace(/&sign=[^&]*/, '')],
      ['an empty sign', () => validQuery().replace(/&sign=[^&]*/, '&sign=')],
      ['a sign that is not base64', () => validQuery().replace(/&sign=[^&]*/, '&sign=%25%25%25not-base64%21%21')],
      ['a signature by another key', () => stranger.signedQuery(returnParams(orderId, '3798.00'))],
      ['a tampered amount', () => validQuery().replace('total_amount=3798.00', 'total_amount=0.01')],
      [
        'a tampered order id',
        () => validQuery().replace(`out_trade_no=${orderId}`, `out_trade_no=${orderId.slice(0, -1)}${orderId.endsWith('0') ? '1' : '0'}`),
      ],
      ['a duplicate key', () => `${validQuery()}&out_trade_no=20990101000000000000000`],
      ['a sign_type other than RSA2', () => validQuery().replace('sign_type=RSA2', 'sign_type=RSA')],
      ['an RSA (SHA1) signature', () => alipay.signedQuery(returnParams(orderId, '3798.00'), { algorithm: 'RSA' })],
      ['another app_id', () => validQuery({ app_id: '2021000000000999' })],
      ['another seller_id', () => validQuery({ seller_id: '2088000000000999' })],
      ['an unsigned extra parameter', () => `${validQuery()}&extra=1`],
      ['a broken % escape', () => `${validQuery()}&x=%zz`],
      ['no parameters at all', () => ''],
    ];
    for (const [name, query] of forged) {
      it(`answers 403 非法请求 to ${name}, writing nothing`, async () => {
        const response = await ret(query());
        assert.equal(response.status, 403);
        assert.match(response.body, /非法请求/);
        await assertNothingWritten();
      });
    }

    it('tells the shopper on the 403 page that the result is unconfirmed, a real payment is not lost, and where to go', async () => {
      const response = await ret(validQuery().replace(/&sign=[^&]*/, '&sign=forged'));
      assert.equal(response.status, 403);
      assert.match(response.body, /<h1>非法请求<\/h1>/);
      assert.match(response.body, /无法确认本次支付结果/);
      assert.match(response.body, /如果您已在支付宝付款，款项不会丢失：商城会自动向支付宝核实/);
      assert.match(response.body, /客服热线：400-000-0000/);
      assert.match(
        response.body,
        /<p class="ways"><a href="https:\/\/www.meiduo.example\/user_center_order.html">我的订单<\/a><a href="https:\/\/www.meiduo.example\/">返回首页<\/a><\/p>/,
      );
      await assertNothingWritten();
    });

    it('accepts + % & = inside signed values', async () => {
      const response = await ret(validQuery({ passback_params: 'a+b c%d&e', body: '1+1=2 & 100% &=' }));
      assert.equal(response.status, 200);
      await assertPaidOnceByReturn();
    });

    it('refuses a signed value that holds &name=, which would sign the same text as another parameter', async () => {
      const response = await ret(validQuery({ passback_params: 'a+b c%d&e=f' }));
      assert.equal(response.status, 403);
      assert.deepEqual(await paymentRows(suite.db.knex, orderId), []);
    });

    it('accepts an empty parameter, which Alipay does not sign', async () => {
      const response = await ret(`${validQuery()}&passback_params=`);
      assert.equal(response.status, 200);
      await assertPaidOnceByReturn();
    });

    it('accepts Chinese values', async () => {
      const response = await ret(validQuery({ subject: `美多商城订单 ${orderId}`, body: '小米手机 黑色 ×1' }));
      assert.equal(response.status, 200);
      await assertPaidOnceByReturn();
    });

    for (const [name, params] of [
      ['a notify of a closed trade', { notify_type: 'trade_status_sync', trade_status: 'TRADE_CLOSED' }],
      ['a notify of a trade awaiting payment', { notify_type: 'trade_status_sync', trade_status: 'WAIT_BUYER_PAY' }],
      [
        'a refund notify',
        { notify_type: 'trade_status_sync', trade_status: 'TRADE_SUCCESS', refund_fee: '3798.00', gmt_refund: '2026-11-27 10:00:00' },
      ],
      ['a paid notify', { notify_type: 'trade_status_sync', trade_status: 'TRADE_SUCCESS' }],
      ['a return of another method (app pay, which we never ask for)', { method: 'alipay.trade.app.pay.return' }],
      ['a return without method', { method: '' }],
      ['a return claiming a closed trade', { trade_status: 'TRADE_CLOSED' }],
    ] as const) {
      it(`refuses ${name} sent to the return URL with 403, writes nothing and keeps evidence`, async () => {
        const { method, ...rest } = returnParams(orderId, '3798.00');
        const response = await ret(alipay.signedQuery({ ...rest, ...('notify_type' in params ? {} : { method }), ...params }));
        assert.equal(response.status, 403);
        assert.match(response.body, /非法请求/);
        await assertNothingWritten();
        const evidence = await suite.db.knex('tb_payment_rejection').where({ out_trade_no: orderId }).select('reason', 'channel');
        assert.deepEqual(evidence, [{ reason: 'WRONG_CHANNEL', channel: 'return' }]);
      });
    }

    it('accepts a page return that carries a paid trade_status', async () => {
      assert.equal((await ret(validQuery({ trade_status: 'TRADE_SUCCESS' }))).status, 200);
      await assertPaidOnceByReturn();
    });

    it('answers 404 for an authentic return of an unknown order, recording nothing', async () => {
      const unknown = newOrderId();
      const response = await ret(alipay.signedQuery(returnParams(unknown, '3798.00')));
      assert.equal(response.status, 404);
      assert.match(response.body, /订单不存在/);
      assert.deepEqual(await paymentRows(suite.db.knex, unknown), []);
    });

    for (const [name, status, amount, reason, label, payMethod] of [
      ['a cancelled order', OrderStatus.CANCELED, '3798.00', 'ORDER_CANCELED', '订单已取消', PayMethod.ALIPAY],
      ['an amount that differs', OrderStatus.UNPAID, '3797.99', 'AMOUNT_MISMATCH', '支付金额与订单金额不符', PayMethod.ALIPAY],
      ['an order already paid by another trade', OrderStatus.UNSEND, '3798.00', 'ALREADY_PAID', '订单已由其他交易支付', PayMethod.ALIPAY],
      ['a cash-on-delivery order', OrderStatus.UNPAID, '3798.00', 'PAY_METHOD_MISMATCH', '货到付款订单收到支付宝付款', PayMethod.CASH],
    ] as const) {
      it(`answers 409 for ${name}, records the payment for review and leaves the order`, async () => {
        await suite.db.knex('tb_order_info').where({ order_id: orderId }).update({ status, pay_method: payMethod });
        const query = alipay.signedQuery(returnParams(orderId, amount));
        for (const attempt of [1, 2]) {
          const response = await ret(query);
          assert.equal(response.status, 409, `attempt ${attempt}`);
          assert.match(response.body, /联系客服/);
          assert.match(response.body, /客服热线/);
          assert.match(response.body, new RegExp(label));
        }
        const rows = await paymentRows(suite.db.knex, orderId);
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.state, 'needs_review');
        assert.equal(rows[0]!.review_reason, reason);
        assert.equal(await orderStatus(suite.db.knex, orderId), status);
      });
    }

    it('answers 500, not 403, when the stored order holds an amount that is no amount: the payer is authentic', async () => {
      await suite.db.knex('tb_order_info').where({ order_id: orderId }).update({ total_amount: '-1.00' });
      const response = await ret(validQuery());
      assert.equal(response.status, 500);
      assert.match(response.body, /系统错误/);
      assert.deepEqual(await paymentRows(suite.db.knex, orderId), []);
    });

    it('answers /healthz with 200 while the database is up', async () => {
      const response = await suite.app.get('/healthz');
      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(response.body), { status: 'ok', database: 'up' });
    });

    it('answers an unknown path with the 404 page and a wrong method with 405', async () => {
      const missing = await suite.app.get('/nope');
      assert.equal(missing.status, 404);
      assert.match(missing.body, /页面不存在/);
      assert.doesNotMatch(missing.body, /客服热线/);
      const post = await fetch(`${suite.app.url}/payment/status/`, { method: 'POST' });
      assert.equal(post.status, 405);
    });
  });
}
