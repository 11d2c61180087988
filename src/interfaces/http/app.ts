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

export function createApp(controllers: Controllers, logger: Logger): Koa {
  const app = new Koa();
  app.proxy = true;
  // Koa would print every error again; errorHandler has already logged it with the request id.
  app.silent = true;

  const router = new Router();
  router.get('/payment/status/', controllers.payment.paymentReturn);
  router.get('/healthz', controllers.health.check);

  app.use(requestLog(logger));
  app.use(securityHeaders);
  app.use(views(VIEWS_DIR, { extension: 'pug', options: { cache: true, basedir: VIEWS_DIR } }));
  app.use(errorHandler);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
