import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { databaseHarnesses } from '../support/databases.ts';
import { appForSuite, orderStatus, paymentRows, seedOrder, startTestApp } from '../support/test-app.ts';

const alipay = createTestAlipay();
const stranger = createTestAlipay();

for (const harness of databaseHarnesses) {
  describe(`POST /payment/notify/ on ${harness.name}`, () => {
    const suite = appForSuite(harness, { alipayPublicKeyPem: alipay.publicKeyPem });
    let orderId: string;
    const notify = (body: string, contentType?: string) => suite.app.post('/payment/notify/', body, contentType);
    const signedNotify = (status = 'TRADE_SUCCESS', extra: Record<string, string> = {}) =>
      alipay.signedQuery({ ...notifyParams(orderId, '88.80', status), ...extra });

    beforeEach(async () => {
      orderId = newOrderId();
      await seedOrder(suite.db.knex, orderId, '88.80');
    });

    async function assertSuccess(response: { status: number; body: string; headers: Headers }): Promise<void> {
      assert.equal(response.status, 200);
      assert.equal(response.body, 'success');
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    }

    it('confirms TRADE_SUCCESS, sent with the malformed Content-Type Alipay uses, and replies exactly success', async () => {
      await assertSuccess(await notify(signedNotify()));
      assert.deepEqual(await paymentRows(suite.db.knex, orderId), [
        { trade_id: notifyParams(orderId, '88.80', '').trade_no, amount: '88.80', source: 'notify', state: 'applied', review_reason: null },
      ]);
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNCOMMENT);
    });

    it('reads the body whatever the Content-Type says, or without one', async () => {
      await assertSuccess(await notify(signedNotify(), 'text/plain'));
      const second = newOrderId();
      await seedOrder(suite.db.knex, second, '88.80');
      const body = alipay.signedQuery(notifyParams(second, '88.80', 'TRADE_SUCCESS'));
      const response = await fetch(`${suite.app.url}/payment/notify/`, { method: 'POST', body: new TextEncoder().encode(body) });
      assert.equal(await response.text(), 'success');
      assert.equal(await orderStatus(suite.db.knex, second), OrderStatus.UNCOMMENT);
    });

    it('replies success to a duplicate notify and writes nothing more', async () => {
      const body = signedNotify();
      for (let i = 0; i < 3; i++) await assertSuccess(await notify(body));
      assert.equal((await paymentRows(suite.db.knex, orderId)).length, 1);
    });

    for (const status of ['WAIT_BUYER_PAY', 'TRADE_CLOSED']) {
      it(`replies success to ${status} and changes nothing`, async () => {
        await assertSuccess(await notify(signedNotify(status)));
        assert.deepEqual(await paymentRows(suite.db.knex, orderId), []);
        assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNPAID);
      });
    }

    it('never takes a refund notify or a later TRADE_FINISHED for a new payment; refunds made in Alipay’s portal are kept', async () => {
      await assertSuccess(await notify(signedNotify()));
      const partial = signedNotify('TRADE_SUCCESS', { refund_fee: '8.80', gmt_refund: '2026-11-27 10:00:00.000', out_biz_no: 'R1' });
      await assertSuccess(await notify(partial));
      await assertSuccess(await notify(partial));
      await assertSuccess(await notify(signedNotify('TRADE_FINISHED')));
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNCOMMENT, 'a partial refund leaves the order');
      await assertSuccess(await notify(signedNotify('TRADE_CLOSED', { refund_fee: '88.80', gmt_refund: '2026-11-28 10:00:00.000' })));
      assert.equal((await paymentRows(suite.db.knex, orderId)).length, 1);
      const refunds = await suite.db
        .knex('tb_refund')
        .where('order_id', orderId)
        .orderBy('refunded_at')
        .select('origin', 'amount', 'status');
      assert.deepEqual(refunds, [
        { origin: 'external', amount: '8.80', status: 'refunded' },
        { origin: 'external', amount: '80.00', status: 'refunded' },
      ]);
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.CANCELED, 'refunded in full');
    });

    it('replies success to a refund notify for a trade it never saw, recording nothing', async () => {
      await assertSuccess(await notify(signedNotify('TRADE_SUCCESS', { refund_fee: '8.80', gmt_refund: '2026-11-27 10:00:00' })));
      assert.deepEqual(await paymentRows(suite.db.knex, orderId), []);
    });

    it('records an authentic notify it cannot apply for review, and replies success so that Alipay stops', async () => {
      await suite.db.knex('tb_order_info').where({ order_id: orderId }).update({ status: OrderStatus.CANCELED });
      await assertSuccess(await notify(signedNotify()));
      const [row] = await paymentRows(suite.db.knex, orderId);
      assert.equal(row?.review_reason, 'ORDER_CANCELED');
    });

    const refused: Array<[string, () => string, number]> = [
      ['a forged signature', () => stranger.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS')), 403],
      ['a tampered amount', () => signedNotify().replace('total_amount=88.80', 'total_amount=0.01'), 403],
      [
        'a tampered trade_status',
        () => alipay.signedQuery(notifyParams(orderId, '88.80', 'WAIT_BUYER_PAY')).replace('WAIT_BUYER_PAY', 'TRADE_SUCCESS'),
        403,
      ],
      ['no sign', () => signedNotify().replace(/&sign=[^&]*/, ''), 403],
      ['a duplicate key', () => `${signedNotify()}&trade_status=TRADE_SUCCESS`, 403],
      ['another app_id', () => signedNotify('TRADE_SUCCESS', { app_id: '2021000000000999' }), 403],
      ['an empty body', () => '', 403],
      ['JSON', () => JSON.stringify(notifyParams(orderId, '88.80', 'TRADE_SUCCESS')), 403],
      ['a body over 16 KB', () => `${signedNotify()}&pad=${'x'.repeat(17 * 1024)}`, 413],
      ['a page return', () => alipay.signedQuery(returnParams(orderId, '88.80')), 403],
      ['a notify of another type', () => signedNotify('TRADE_SUCCESS', { notify_type: 'trade_status_sync_v2' }), 403],
      ['a notify with no notify_type', () => signedNotify('TRADE_SUCCESS', { notify_type: '' }), 403],
      [
        'refund fields folded into gmt_payment',
        () => signedNotify('TRADE_SUCCESS', { gmt_payment: '2026-11-26 15:30:11&gmt_refund=2026-11-27 10:00:00&refund_fee=88.80' }),
        403,
      ],
    ];
    for (const [name, body, status] of refused) {
      it(`replies failure with ${status} to ${name}, writing nothing`, async () => {
        const response = await notify(body());
        assert.equal(response.status, status);
        assert.equal(response.body, 'failure');
        assert.deepEqual(await paymentRows(suite.db.knex, orderId), []);
        assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNPAID);
      });
    }

    it('replies failure with 404 for an unknown order, so that Alipay tries again later', async () => {
      const response = await notify(alipay.signedQuery(notifyParams(newOrderId(), '88.80', 'TRADE_SUCCESS')));
      assert.equal(response.status, 404);
      assert.equal(response.body, 'failure');
    });

    it('verifies legacy RSA (SHA1) notifies when configured for them', async () => {
      const rsaApp = await startTestApp({ knex: suite.db.knex, alipayPublicKeyPem: alipay.publicKeyPem, signType: 'RSA' });
      try {
        const sha1 = alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS'), { algorithm: 'RSA' });
        assert.equal((await notify(sha1)).body, 'failure', 'an RSA2 server refuses SHA1');
        assert.equal((await rsaApp.post('/payment/notify/', sha1)).body, 'success');
        assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNCOMMENT);
      } finally {
        await rsaApp.close();
      }
    });

    for (const first of ['return', 'notify'] as const) {
      it(`keeps one payment when the ${first} arrives first and the other follows`, async () => {
        const tradeNo = `BOTH${orderId}`;
        const viaReturn = () => suite.app.get(`/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80', tradeNo))}`);
        const viaNotify = () => notify(alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS', tradeNo)));
        const [a, b] = first === 'return' ? [viaReturn, viaNotify] : [viaNotify, viaReturn];
        await a();
        await b();
        const rows = await paymentRows(suite.db.knex, orderId);
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.source, first);
      });
    }

    it('keeps one payment when 15 returns and 15 notifies of one trade race', async () => {
      const tradeNo = `RACE${orderId}`;
      const returnQuery = alipay.signedQuery(returnParams(orderId, '88.80', tradeNo));
      const notifyBody = alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS', tradeNo));
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? suite.app.get(`/payment/status/?${returnQuery}`) : notify(notifyBody))),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        Array(30).fill(200),
      );
      assert.equal(responses.filter((r) => r.body === 'success').length, 15);
      assert.equal((await paymentRows(suite.db.knex, orderId)).length, 1);
      assert.equal(await orderStatus(suite.db.knex, orderId), OrderStatus.UNCOMMENT);
    });
  });
}
