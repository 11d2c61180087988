import type { Buffer } from 'node:buffer';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import type { Logger } from 'pino';
import type { AuthenticateOperator } from '../../application/authenticate-operator.ts';
import type { OperatorSessions } from '../../application/operator-sessions.ts';
import type { ActionNotices } from './admin/action-notices.ts';
import type { AdminController } from './admin/admin-controller.ts';
import { adminGate, SIGN_IN_PATH, SIGN_OUT_PATH } from './admin/admin-gate.ts';
import type { DiscrepancyController } from './admin/discrepancy-controller.ts';
import { FormTokens } from './admin/form-tokens.ts';
import type { OrderQueryController } from './admin/order-query-controller.ts';
import type { ReconciliationController } from './admin/reconciliation-controller.ts';
import type { RefundController } from './admin/refund-controller.ts';
import type { RejectionsController } from './admin/rejections-controller.ts';
import type { ReplayController } from './admin/replay-controller.ts';
import type { RerunController } from './admin/rerun-controller.ts';
import type { ReviewController } from './admin/review-controller.ts';
import { SessionCookie } from './admin/session-cookie.ts';
import { signInRoutes } from './admin/sign-in.ts';
import { type AppState, replyAs } from './app-state.ts';
import type { HealthController } from './health-controller.ts';
import { serveAsset, serveFavicon } from './middleware/assets.ts';
import { clientAddress } from './middleware/client-address.ts';
import { errorHandler } from './middleware/error-handler.ts';
import type { Metrics } from './middleware/metrics.ts';
import { RateLimiter } from './middleware/rate-limiter.ts';
import { requestLog } from './middleware/request-log.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { throttleJson } from './middleware/throttle.ts';
import { pageRenderer } from './pages.ts';
import type { PaymentController } from './shopper/payment-controller.ts';
import { shopLinks } from './shopper/shop-links.ts';

export interface Controllers {
  readonly payment: PaymentController;
  readonly health: HealthController;
  readonly admin: AdminController;
  readonly reconciliation: ReconciliationController;
  readonly discrepancies: DiscrepancyController;
  readonly rejections: RejectionsController;
  readonly review: ReviewController;
  readonly orderQuery: OrderQueryController;
  readonly refund: RefundController;
  readonly replay: ReplayController;
  readonly rerun: RerunController;
  /** Not a controller: the outcomes of the actions above, read back on the pages they redirect to. */
  readonly notices: ActionNotices;
}

/** How staff get in: their accounts, their sessions, and the key every instance derives its form tokens from. */
export interface AdminAccess {
  readonly authenticate: AuthenticateOperator;
  readonly sessions: OperatorSessions;
  readonly formKey: Buffer;
}

export interface AppOptions {
  readonly controllers: Controllers;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly admin: AdminAccess;
  /** Production: HSTS on every response. */
  readonly production?: boolean;
  /** Addresses or CIDRs whose X-Forwarded-For is believed (TRUSTED_PROXIES). */
  readonly trustedProxies?: readonly string[];
  /** Development-only routers (the local sandbox and the demo shop), mounted by the composition root. */
  readonly extraRoutes?: readonly Router[];
  /** SHOP_URL, which shopper pages link to; null or absent: the demo shop. */
  readonly shopUrl?: string | null;
}

const MINUTE = 60_000;
// A person mistypes a password a few times; a guesser is held to a handful a minute per address.
const ADMIN_LOGIN_FAILURES = 5;
// A shopper asks for a pay URL a few times per order; signing hundreds a second is an attack.
const PAY_URLS_PER_MINUTE = 60;

export function createApp({
  controllers,
  logger,
  metrics,
  admin,
  production = false,
  trustedProxies = [],
  extraRoutes = [],
  shopUrl = null,
}: AppOptions): Koa<AppState> {
  const app = new Koa<AppState>();
  // Koa would print every error again; errorHandler has already logged it with the request id.
  app.silent = true;

  const router = new Router<AppState>();
  // One count of failed sign-ins per address, whether a password came by the form or by HTTP Basic.
  const failures = new RateLimiter(ADMIN_LOGIN_FAILURES, MINUTE);
  const cookie = new SessionCookie(production);
  const signIn = signInRoutes({ sessions: admin.sessions, cookie, failures, metrics });
  const {
    payment,
    health,
    admin: staff,
    reconciliation,
    discrepancies,
    rejections,
    review,
    orderQuery,
    refund,
    replay,
    rerun,
    notices,
  } = controllers;
  router.get('/payment/status/', metrics.countCallbacks('return'), payment.paymentReturn);
  router.post('/payment/notify/', replyAs('alipay-notify'), metrics.countCallbacks('notify'), payment.paymentNotify);
  // Before /payment/:order_id/, which would read "notify" as an order id.
  router.get('/payment/notify/', methodNotAllowed('POST'));
  router.get('/payment/:order_id/', replyAs('json'), throttleJson(new RateLimiter(PAY_URLS_PER_MINUTE, MINUTE), metrics), payment.payUrl);
  router.get('/healthz', health.check);
  router.get('/assets/:file', serveAsset);
  router.get('/favicon.ico', serveFavicon);
  router.get('/metrics', metrics.expose);
  // The back office's front door is its payments list (behind the same gate as every admin path).
  router.get(['/admin', '/admin/'], (ctx) => ctx.redirect('/admin/payments'));
  router.get(SIGN_IN_PATH, signIn.show);
  router.post(SIGN_IN_PATH, signIn.signIn);
  router.post(SIGN_OUT_PATH, signIn.signOut);
  router.get('/admin/payments', staff.payments);
  router.get('/admin/payments.csv', staff.paymentsCsv);
  router.get('/admin/rejections.csv', rejections.csv);
  router.get('/admin/rejections', rejections.list);
  router.get('/admin/orders/:order_id', staff.order);
  // An operator's only: a viewer gets 403 for the form as adminGate gives them for its POST.
  router.get('/admin/orders/:order_id/refund', refund.form);
  // adminGate checks every admin request that is not GET or HEAD for cross-site use, and that an operator makes it.
  router.post('/admin/payments/:trade_no/resolve', review.resolve);
  router.post('/admin/orders/:order_id/query', orderQuery.query);
  router.post('/admin/orders/:order_id/refund', refund.submit);
  router.post('/admin/refunds/:out_request_no/check', refund.check);
  router.post('/admin/rejections/replay', replay.all);
  router.post('/admin/rejections/:id/replay', replay.one);
  router.post('/admin/reconciliation/:date/rerun', rerun.run);
  router.get('/admin/audit', review.audit);
  router.get('/admin/reconciliation', reconciliation.list);
  // Before /:date, which would take "2026-11-30.csv" for a date.
  router.get('/admin/reconciliation/:date.csv', reconciliation.dayCsv);
  router.get('/admin/reconciliation/:date', reconciliation.day);
  router.get('/admin/reconciliation/:date/items/:id', discrepancies.item);
  router.post('/admin/reconciliation/:date/resolve', discrepancies.resolve);

  app.use(clientAddress(trustedProxies, logger));
  app.use(requestLog(logger));
  app.use(metrics.middleware);
  app.use(securityHeaders({ hsts: production }));
  app.use(limitQuery);
  app.use(shopLinks(shopUrl, extraRoutes.length > 0));
  app.use(pageRenderer());
  app.use(errorHandler);
  const forms = new FormTokens(admin.formKey);
  app.use(adminGate({ authenticate: admin.authenticate, sessions: admin.sessions, cookie, forms, failures, metrics }));
  app.use(notices.readOnPages);
  for (const extra of extraRoutes) app.use(extra.routes());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

const MAX_QUERY = 16 * 1024;

/** Exported for npm run bench:middleware, which times each middleware alone. */
export async function limitQuery(ctx: Context, next: Next): Promise<void> {
  if (ctx.querystring.length > MAX_QUERY) {
    ctx.status = 414;
    ctx.type = 'text/plain';
    ctx.body = '请求地址过长';
    return;
  }
  await next();
}

function methodNotAllowed(allow: string) {
  return (ctx: Context): void => {
    ctx.status = 405;
    ctx.set('Allow', allow);
    ctx.type = 'text/plain';
    ctx.body = '请求方法不允许';
  };
}
