import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import views from 'koa-views';
import type { Logger } from 'pino';
import type { AdminController } from './admin-controller.ts';
import { serveAsset } from './assets.ts';
import { requireAdmin, type AdminCredentials } from './basic-auth.ts';
import { errorHandler } from './error-handler.ts';
import type { HealthController } from './health-controller.ts';
import type { PaymentController } from './payment-controller.ts';
import { requestLog } from './request-log.ts';
import type { Metrics } from './metrics.ts';
import { ADMIN_CSP, securityHeaders } from './security-headers.ts';
import { VIEWS_DIR } from './views-dir.ts';

export interface Controllers {
  readonly payment: PaymentController;
  readonly health: HealthController;
  readonly admin: AdminController;
}

/** `extraRoutes`: development-only routers (the local sandbox), mounted by the composition root. */
export function createApp(controllers: Controllers, logger: Logger, admin: AdminCredentials, metrics: Metrics, extraRoutes: readonly Router[] = []): Koa {
  const app = new Koa();
  // Koa would print every error again; errorHandler has already logged it with the request id.
  app.silent = true;

  const router = new Router();
  router.get('/payment/status/', controllers.payment.paymentReturn);
  router.post('/payment/notify/', controllers.payment.paymentNotify);
  router.get('/payment/:order_id/', controllers.payment.payUrl);
  router.get('/healthz', controllers.health.check);
  router.get('/assets/:file', serveAsset);
  router.get('/metrics', metrics.expose);

  const adminRouter = new Router({ prefix: '/admin' });
  adminRouter.use(adminHeaders, requireAdmin(admin));
  adminRouter.get('/payments', controllers.admin.payments);
  adminRouter.get('/payments.csv', controllers.admin.paymentsCsv);
  adminRouter.get('/rejections', controllers.admin.rejections);

  app.use(requestLog(logger));
  app.use(metrics.middleware);
  app.use(securityHeaders);
  app.use(limitQuery);
  app.use(views(VIEWS_DIR, { extension: 'pug', options: { cache: true, basedir: VIEWS_DIR } }));
  app.use(errorHandler);
  for (const extra of extraRoutes) app.use(extra.routes());
  app.use(adminRouter.routes());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

const MAX_QUERY = 16 * 1024;

async function limitQuery(ctx: Context, next: Next): Promise<void> {
  if (ctx.querystring.length > MAX_QUERY) {
    ctx.status = 414;
    ctx.type = 'text/plain';
    ctx.body = '请求地址过长';
    return;
  }
  await next();
}

/** Staff pages are never cached and run no script at all. */
async function adminHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', ADMIN_CSP);
  ctx.state.admin = true;
  await next();
}
