// npm run bench:render: CPU per render of 订单支付成功 through koa-views and through the page compiled at
// start-up (pages.ts), in one process, without HTTP.
import process from 'node:process';
import type { Context } from 'koa';
import { pageRenderer, renderPage } from '../../src/interfaces/http/pages.ts';

const RENDERS = 20_000;
const locals = { tradeId: '2026113022001404170501234567', orderId: '20261130153535000000001', amount: '88.80' };
const shop = { home: 'https://www.meiduo.site/', orders: 'https://www.meiduo.site/user_center_order.html', userCenter: '' };
const ctx = { state: { shop }, set() {}, response: {} } as unknown as Context & { render: (name: string, locals: object) => Promise<void> };
await pageRenderer()(ctx as never, async () => {});

const ways: Array<[string, () => Promise<void> | void]> = [
  ['koa-views', () => ctx.render('pay_success.pug', locals)],
  ['compiled at start-up', () => renderPage(ctx as never, 'pay_success.pug', locals)],
];
for (const [, render] of ways) for (let i = 0; i < 2_000; i++) await render(); // warm-up
console.log(`| renderer | CPU µs per render (${RENDERS.toLocaleString()} renders) |\n|---|---|`);
for (const [name, render] of ways) {
  const start = process.cpuUsage();
  for (let i = 0; i < RENDERS; i++) await render();
  const used = process.cpuUsage(start);
  console.log(`| ${name} | ${((used.user + used.system) / RENDERS).toFixed(1)} |`);
}
console.log('\nReproduce: npm run bench:render');
