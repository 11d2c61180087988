import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import Koa from 'koa';
import views from 'koa-views';
import type { Logger } from 'pino';
import { errorHandler } from './error-handler.ts';
import type { HealthController } from './health-controller.ts';
import type { PaymentController } from './payment-controller.ts';
import { requestLog } from './request-log.ts';
import { securityHeaders } from './security-headers.ts';

export const VIEWS_DIR = fileURLToPath(new URL('../../../views', import.meta.url));

export interface Controllers {
  readonly payment: PaymentController;
  readonly health: HealthController;
}

/** `extraRoutes`: development-only routers (the local sandbox), mounted by the composition root. */
export function createApp(controllers: Controllers, logger: Logger, extraRoutes: readonly Router[] = []): Koa {
  const app = new Koa();
  app.proxy = true;
  // Koa would print every error again; errorHandler has already logged it with the request id.
  app.silent = true;

  const router = new Router();
  router.get('/payment/status/', controllers.payment.paymentReturn);
  router.post('/payment/notify/', controllers.payment.paymentNotify);
  router.get('/payment/:order_id/', controllers.payment.payUrl);
  router.get('/healthz', controllers.health.check);

  app.use(requestLog(logger));
  app.use(securityHeaders);
  app.use(views(VIEWS_DIR, { extension: 'pug', options: { cache: true, basedir: VIEWS_DIR } }));
  app.use(errorHandler);
  for (const extra of extraRoutes) app.use(extra.routes());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
