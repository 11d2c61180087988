// npm run bench:middleware [-- --requests 40000]: CPU µs that each middleware costs a refresh of 订单支付成功 (GET /payment/status/),
// in one process, without sockets or a database. The whole app (createApp, its real middleware and router,
// the route's handler replaced by one that renders the compiled page) handles requests built in memory;
// then each middleware runs alone on a fresh context, and what an empty middleware costs is taken off.
// Last, the app and Koa alone on a real socket, loaded by autocannon from another process.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, Socket } from 'node:net';
import process from 'node:process';
import { parseArgs } from 'node:util';
import type { Middleware } from 'koa';
import Koa from 'koa';
import views from 'koa-views';
import pino from 'pino';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { adminGate } from '../../src/interfaces/http/admin/admin-gate.ts';
import { FormTokens } from '../../src/interfaces/http/admin/form-tokens.ts';
import { SessionCookie } from '../../src/interfaces/http/admin/session-cookie.ts';
import { type AdminAccess, type Controllers, createApp, limitQuery } from '../../src/interfaces/http/app.ts';
import type { AppState } from '../../src/interfaces/http/app-state.ts';
import { createHttpServer } from '../../src/interfaces/http/http-server.ts';
import { errorHandler } from '../../src/interfaces/http/middleware/error-handler.ts';
import { Metrics } from '../../src/interfaces/http/middleware/metrics.ts';
import { RateLimiter } from '../../src/interfaces/http/middleware/rate-limiter.ts';
import { requestLog } from '../../src/interfaces/http/middleware/request-log.ts';
import { securityHeaders } from '../../src/interfaces/http/middleware/security-headers.ts';
import { renderPage } from '../../src/interfaces/http/pages.ts';
import { shopLinks } from '../../src/interfaces/http/shopper/shop-links.ts';
import { VIEWS_DIR } from '../../src/interfaces/http/views-dir.ts';
import { createTestAlipay, returnParams } from '../../test/support/alipay-signer.ts';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '40000' } } });
const REQUESTS = Number(args.requests);
const SOCKET_SECONDS = 8;
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const SHOP_URL = 'https://www.meiduo.site';
// A real return's query: about 1 KB of signed parameters.
const path = `/payment/status/?${createTestAlipay().signedQuery(returnParams('20261130153535000000001', '88.80'))}`;
const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: true }));
const metrics = new Metrics();
const confirmed = { outcome: 'duplicate', orderId: '20261130153535000000001', tradeNo: '2026113022001404170501234567', amount: '88.80' };
const locals = { tradeId: confirmed.tradeNo, orderId: confirmed.orderId, amount: confirmed.amount };

const unused = async () => {};
const controllers = {
  payment: {
    paymentReturn: (ctx: Koa.ParameterizedContext<AppState>) => {
      ctx.state.confirmed = confirmed as never;
      ctx.set('Cache-Control', 'no-store');
      renderPage(ctx, 'pay_success.pug', locals);
    },
    paymentNotify: unused,
    payUrl: unused,
  },
  health: { check: unused },
  admin: { payments: unused, paymentsCsv: unused, order: unused },
  reconciliation: { list: unused, day: unused, dayCsv: unused },
  rejections: { list: unused, csv: unused },
  review: { resolve: unused, audit: unused },
} as unknown as Controllers;
// Refreshes never reach the back office: its accounts and sessions are never asked.
const ADMIN = { authenticate: unused, sessions: unused, formKey: Buffer.alloc(32) } as unknown as AdminAccess;
const app = createApp({ controllers, logger, metrics, admin: ADMIN, production: true, shopUrl: SHOP_URL });

function inMemoryRequest(): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = path;
  req.headers = { host: 'pay.meiduo.site', accept: 'text/html', 'user-agent': 'Mozilla/5.0 (bench)' };
  return { req, res: new ServerResponse(req) };
}

/** CPU µs per call of `run`, after a warm-up. */
async function cpuPerCall(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5_000; i++) await run();
  const start = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / REQUESTS;
}

const handle = app.callback();
const next = async () => {};
const alone = (middleware: Middleware) => () => {
  const { req, res } = inMemoryRequest();
  const ctx = app.createContext(req, res);
  ctx.state.log = logger;
  // The URL is parsed once per request, by whichever middleware asks first: here, before any of them.
  void ctx.path;
  void ctx.querystring;
  return middleware(ctx, next);
};
const middlewares: Array<[string, Middleware]> = [
  ['requestLog (request id, child logger, one line)', requestLog(logger)],
  ['metrics (latency histogram)', metrics.middleware],
  ['securityHeaders', securityHeaders({ hsts: true })],
  ['limitQuery', limitQuery as Middleware],
  ['shopLinks', shopLinks(SHOP_URL, false) as Middleware],
  ['koa-views (ctx.render per request)', views(VIEWS_DIR, { extension: 'pug', options: { cache: true, basedir: VIEWS_DIR } })],
  ['errorHandler', errorHandler as Middleware],
  [
    'adminGate (not an admin path)',
    adminGate({
      authenticate: ADMIN.authenticate,
      sessions: ADMIN.sessions,
      cookie: new SessionCookie(true),
      forms: new FormTokens(ADMIN.formKey),
      failures: new RateLimiter(5, 60_000),
      metrics,
    }) as Middleware,
  ],
];

const whole = await cpuPerCall(async () => {
  const { req, res } = inMemoryRequest();
  await handle(req, res);
  if (res.statusCode !== 200) throw new Error(`the app answered ${res.statusCode}`);
});
const empty = await cpuPerCall(alone(async () => {}));
console.log(`CPU µs per refresh of 订单支付成功 without sockets or a database (${REQUESTS.toLocaleString()} requests each):\n`);
console.log('| part | CPU µs |\n|---|---|');
console.log(`| the whole app: Koa, every middleware, the router, the page | ${whole.toFixed(1)} |`);
let middlewareTotal = 0;
for (const [name, middleware] of middlewares) {
  const cost = (await cpuPerCall(alone(middleware))) - empty;
  middlewareTotal += cost;
  console.log(`| ${name} | ${cost.toFixed(1)} |`);
}
console.log(`| all middleware | ${middlewareTotal.toFixed(1)} |`);
console.log(
  `| the rest: Node's request and response objects, Koa's context and reply, the router, the handler and its page | ${(whole - middlewareTotal).toFixed(1)} |`,
);

// The same app on a real socket, and Koa alone answering a page of the same size: what HTTP itself costs.
const bareKoa = new Koa();
const page = await (async () => {
  const { req, res } = inMemoryRequest();
  const ctx = app.createContext(req, res);
  ctx.state.shop = { home: `${SHOP_URL}/`, orders: '', userCenter: '' };
  renderPage(ctx as never, 'pay_success.pug', locals);
  return String(ctx.body);
})();
bareKoa.use((ctx) => {
  ctx.type = 'html';
  ctx.body = page;
});
console.log(
  `\nCPU µs of this process per refresh over a real socket (autocannon in another process, 16 connections, ${SOCKET_SECONDS} s):\n`,
);
console.log('| server | req/s | CPU µs: user / kernel |\n|---|---|---|');
for (const [name, koa] of [
  ['Koa alone, the same page', bareKoa],
  ['our app, the route handler stubbed as above', app],
] as const) {
  const { rps, user, kernel } = await overSocket(koa);
  console.log(`| ${name} | ${rps.toLocaleString()} | ${user.toFixed(0)} / ${kernel.toFixed(0)} |`);
}
console.log(`\nReproduce: npm run bench:middleware -- --requests ${REQUESTS}`);

/** Serves `koa` on an ephemeral port while autocannon loads it from a child process, after a warm-up. */
async function overSocket(koa: Koa): Promise<{ rps: number; user: number; kernel: number }> {
  const server = createHttpServer();
  server.on('request', koa.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  try {
    await autocannonChild(url, 2);
    const start = process.cpuUsage();
    const { requests } = await autocannonChild(url, SOCKET_SECONDS);
    const used = process.cpuUsage(start);
    return { rps: Math.round(requests.average), user: used.user / requests.total, kernel: used.system / requests.total };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function autocannonChild(url: string, seconds: number): Promise<{ requests: { average: number; total: number } }> {
  const child = spawn(process.execPath, [AUTOCANNON, '-c', '16', '-d', String(seconds), '-j', url], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  return JSON.parse(out);
}
