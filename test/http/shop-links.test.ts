import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { type RunningServer, startServer } from '../../src/bootstrap/server.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { shopLinksFor } from '../../src/interfaces/http/shopper/shop-links.ts';
import { migratedEnv } from '../support/fresh-env.ts';

const SHOP_URL = 'http://www.meiduo.site:8080';

describe('shopLinksFor', () => {
  it("leads to Meiduo's front end when SHOP_URL is set", () => {
    assert.deepEqual(shopLinksFor(SHOP_URL), {
      home: 'http://www.meiduo.site:8080/',
      orders: 'http://www.meiduo.site:8080/user_center_order.html',
      userCenter: 'http://www.meiduo.site:8080/user_center_info.html',
    });
  });

  it('leads to the demo shop and its order list otherwise', () => {
    assert.deepEqual(shopLinksFor(null), { home: '/', orders: '/sandbox/orders', userCenter: '/sandbox/orders' });
    assert.equal(shopLinksFor(null, false), undefined, 'no demo shop mounted (a real gateway in development): no links to it');
  });
});

function startDevelopmentServer(extra: Record<string, string>): () => RunningServer {
  let server: RunningServer;
  before(async () => {
    const env = await migratedEnv({ ...extra, ALIPAY_QUERY_SCHEDULE: 'off', RECONCILE_AT: 'off' });
    server = await startServer(loadConfig(env), pino({ level: 'silent' }));
  });
  after(() => server?.close());
  return () => server;
}

describe('every shopper page with SHOP_URL set', () => {
  const server = startDevelopmentServer({ SHOP_URL: `${SHOP_URL}/` });
  const topbar = [
    `<a href="${SHOP_URL}/">首页</a>`,
    `<a href="${SHOP_URL}/user_center_order.html">我的订单</a>`,
    `<a href="${SHOP_URL}/user_center_info.html">用户中心</a>`,
  ].join('');

  for (const [path, status] of [
    ['/', 200],
    ['/sandbox/orders', 200],
    ['/payment/status/?out_trade_no=1&sign=forged', 403],
    ['/no/such/page', 404],
  ] as const) {
    it(`links ${path} (${status}) to Meiduo: 首页, 我的订单, 用户中心 and the logo`, async () => {
      const response = await fetch(server().url + path);
      assert.equal(response.status, status);
      const body = await response.text();
      assert.ok(body.includes(`<span class="nav">${topbar}</span>`), body);
      assert.ok(body.includes(`<a class="logo" href="${SHOP_URL}/">美多商城</a>`));
      assert.ok(body.includes('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">'));
      assert.doesNotMatch(body, /style=/);
    });
  }

  it('answers /favicon.ico with the SVG icon, so that browsers log no 404', async () => {
    for (const path of ['/favicon.ico', '/assets/favicon.svg']) {
      const response = await fetch(server().url + path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), 'image/svg+xml', path);
      assert.match(await response.text(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/, path);
    }
  });
});

describe('the demo order list, without SHOP_URL', () => {
  const server = startDevelopmentServer({});

  it('lists the recent orders with their state in Chinese, and 去支付 for those still to pay', async () => {
    const knex = server().database.knex;
    const [paid] = await knex('tb_order_info').orderBy('order_id').pluck('order_id');
    await knex('tb_order_info').where({ order_id: paid }).update({ status: 6 });
    const response = await fetch(`${server().url}/sandbox/orders`);
    assert.equal(response.status, 200);
    const body = await response.text();
    const states = [...body.matchAll(/<td class="order-state">([^<]+)<\/td>/g)].map((match) => match[1]);
    assert.deepEqual(states.sort(), ['已取消', '待支付', '待支付']);
    assert.equal([...body.matchAll(/data-order-id=/g)].length, 2, 'no 去支付 for the cancelled order');
    assert.ok(body.includes('<a href="/sandbox/orders">我的订单</a>'));
  });

  it('places a new demo order of the amount given (or the next demo amount), shows it to pay, and refuses a bad amount', async () => {
    const post = (body: string) =>
      fetch(`${server().url}/sandbox/orders`, {
        method: 'POST',
        redirect: 'manual',
        body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    const placed = await post('amount=12.5');
    assert.equal(placed.status, 302);
    const orderId = new URL(placed.headers.get('location')!, server().url).searchParams.get('placed')!;
    const shop = await (await fetch(`${server().url}/?placed=${orderId}`)).text();
    assert.ok(shop.includes(`已新建演示订单 ${orderId}`));
    assert.ok(shop.includes(`data-order-id="${orderId}"`), 'offered 去支付 at once');
    const row = await server().database.knex('tb_order_info').where({ order_id: orderId }).first('total_amount', 'status');
    assert.equal(Number(row.total_amount), 12.5);
    assert.equal((await post('')).status, 302, 'no amount: the next demo amount');
    const refused = await post('amount=0.001');
    assert.equal(refused.status, 400);
    assert.ok((await refused.text()).includes('金额须为 0.01 到 99999999.99 元'));
  });
});
