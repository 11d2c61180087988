import assert from 'node:assert/strict';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { seedOrder } from '../support/test-app.ts';
import { faultsUnavailable, get, post, postgres, startAppProcess } from './fault-support.ts';

const alipay = createTestAlipay();

describe("under faults, on a PostgreSQL cluster of the tests' own", { skip: faultsUnavailable }, () => {
  let db: Database;
  before(async () => {
    db = openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL! });
    await migrate(db.knex);
  });
  after(() => db.close());

  const paidWithoutPayment = async () =>
    (
      await db.knex.raw(
        `SELECT count(*)::int AS n FROM tb_order_info o WHERE o.status = 4 AND o.order_id LIKE 'F%' AND NOT EXISTS (SELECT 1 FROM tb_payment p WHERE p.order_id = o.order_id)`,
      )
    ).rows[0].n;
  const paymentWithoutPaid = async () =>
    (
      await db.knex.raw(
        `SELECT count(*)::int AS n FROM tb_payment p JOIN tb_order_info o USING (order_id) WHERE p.state = 'applied' AND o.status <> 4 AND o.order_id LIKE 'F%'`,
      )
    ).rows[0].n;

  it('answers 503 while the database is down, and recovers with no restart when it is back', async () => {
    const app = await startAppProcess(alipay);
    const orderId = newOrderId();
    await seedOrder(db.knex, orderId, '88.80');
    const query = `/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80'))}`;
    try {
      postgres.stop();
      const down = await get(app.url + query);
      assert.equal(down.status, 503);
      assert.match(down.body, /请稍后刷新/);
      const notify = await post(`${app.url}/payment/notify/`, alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS')));
      assert.ok(notify.status >= 500 && notify.body !== 'success', `${notify.status} ${notify.body}`);
      assert.equal((await get(`${app.url}/healthz`)).status, 503);
    } finally {
      postgres.start();
    }
    const back = await get(app.url + query);
    assert.equal(back.status, 200, back.body.slice(0, 200));
    assert.equal((await get(`${app.url}/healthz`)).status, 200);
    await app.stop();
  });

  it('answers within about 5 s, and hangs nowhere, while the database is frozen', async () => {
    const app = await startAppProcess(alipay);
    const orderId = newOrderId();
    await seedOrder(db.knex, orderId, '88.80');
    const query = `/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80'))}`;
    assert.equal((await get(`${app.url}/healthz`)).status, 200, 'the pool holds a live connection before the freeze');
    postgres.freeze();
    try {
      const [frozenReturn, frozenHealth] = await Promise.all([get(app.url + query), get(`${app.url}/healthz`)]);
      assert.equal(frozenReturn.status, 503);
      assert.ok(frozenReturn.ms < 8_000, `answered in ${Math.round(frozenReturn.ms)} ms`);
      assert.equal(frozenHealth.status, 503);
    } finally {
      postgres.thaw();
    }
    assert.equal((await get(app.url + query)).status, 200);
    await app.stop();
  });

  it('leaves no payment without its order update, and no update without its payment, after kill -9', async () => {
    const orders = Array.from({ length: 300 }, (_, i) => `F${String(i).padStart(6, '0')}${process.pid}`);
    await db.knex('tb_order_info').insert(orders.map((order_id) => ({ order_id, total_amount: '88.80', pay_method: 2, status: 1 })));
    const returns = orders.map((orderId) => `/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80', `T${orderId}`))}`);
    const app = await startAppProcess(alipay);
    const inFlight = returns.map((path) => get(app.url + path).catch(() => null));
    // Kill it mid-stream: once some confirmations have committed and most have not.
    for (let i = 0; i < 2_000; i++) {
      const [{ n }] = await db.knex('tb_payment').where('order_id', 'like', 'F%').count({ n: '*' });
      if (Number(n) >= 20) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    app.child.kill('SIGKILL');
    await Promise.all(inFlight);
    const [{ n: recorded }] = await db.knex('tb_payment').where('order_id', 'like', 'F%').count({ n: '*' });
    assert.ok(Number(recorded) > 0 && Number(recorded) < 300, `${recorded} committed before the kill`);
    assert.equal(await paidWithoutPayment(), 0);
    assert.equal(await paymentWithoutPaid(), 0);

    const restarted = await startAppProcess(alipay);
    const statuses = [];
    for (let i = 0; i < returns.length; i += 30)
      statuses.push(...(await Promise.all(returns.slice(i, i + 30).map((path) => get(restarted.url + path)))).map((r) => r.status));
    assert.deepEqual(statuses, Array(300).fill(200));
    assert.equal(Number((await db.knex('tb_payment').where('order_id', 'like', 'F%').count({ n: '*' }))[0]!.n), 300);
    assert.equal(await paidWithoutPayment(), 0);
    assert.equal(await paymentWithoutPaid(), 0);
    await restarted.stop();
    console.log(`# kill -9 left ${recorded} of 300 confirmations committed, each whole`);
  });

  it('keeps one payment when two processes race on one trade, by return and by notify', async () => {
    const [a, b] = await Promise.all([startAppProcess(alipay), startAppProcess(alipay)]);
    try {
      for (let round = 0; round < 5; round++) {
        const orderId = newOrderId();
        await seedOrder(db.knex, orderId, '88.80');
        const tradeNo = `TWO${orderId}`;
        const ret = `/payment/status/?${alipay.signedQuery(returnParams(orderId, '88.80', tradeNo))}`;
        const body = alipay.signedQuery(notifyParams(orderId, '88.80', 'TRADE_SUCCESS', tradeNo));
        const replies = await Promise.all(
          Array.from({ length: 40 }, (_, i) => {
            const base = i % 2 ? a.url : b.url;
            return i % 4 < 2 ? get(base + ret) : post(`${base}/payment/notify/`, body);
          }),
        );
        assert.deepEqual(
          replies.map((r) => r.status),
          Array(40).fill(200),
        );
        assert.ok(replies.filter((_, i) => i % 4 >= 2).every((r) => r.body === 'success'));
        assert.equal(Number((await db.knex('tb_payment').where({ order_id: orderId }).count({ n: '*' }))[0]!.n), 1);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
