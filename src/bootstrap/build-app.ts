import 'reflect-metadata';
import type { Container } from 'inversify';
import type Koa from 'koa';
import { AskAlipayAboutOrder } from '../application/ask-alipay-about-order.ts';
import { AuthenticateOperator } from '../application/authenticate-operator.ts';
import { ClaimDueQueries } from '../application/claim-due-queries.ts';
import { OperatorSessions } from '../application/operator-sessions.ts';
import { PlaceOrder } from '../application/place-order.ts';
import type { Clock } from '../application/ports/clock.ts';
import type { OrderRepository } from '../application/ports/order-repository.ts';
import { PrunePaymentEvents } from '../application/prune-payment-events.ts';
import { ReconcilePastDays } from '../application/reconcile-past-days.ts';
import { SettlePendingRefunds } from '../application/settle-pending-refunds.ts';
import { TOKENS } from '../application/tokens.ts';
import type { QuerySchedule } from '../domain/query-schedule.ts';
import { ActionNotices } from '../interfaces/http/admin/action-notices.ts';
import { AdminController } from '../interfaces/http/admin/admin-controller.ts';
import { DiscrepancyController } from '../interfaces/http/admin/discrepancy-controller.ts';
import { OrderQueryController } from '../interfaces/http/admin/order-query-controller.ts';
import { ReconciliationController } from '../interfaces/http/admin/reconciliation-controller.ts';
import { RefundController } from '../interfaces/http/admin/refund-controller.ts';
import { RejectionsController } from '../interfaces/http/admin/rejections-controller.ts';
import { ReplayController } from '../interfaces/http/admin/replay-controller.ts';
import { RerunController } from '../interfaces/http/admin/rerun-controller.ts';
import { ReviewController } from '../interfaces/http/admin/review-controller.ts';
import { createApp } from '../interfaces/http/app.ts';
import { HealthController } from '../interfaces/http/health-controller.ts';
import { Metrics } from '../interfaces/http/middleware/metrics.ts';
import { PaymentController } from '../interfaces/http/shopper/payment-controller.ts';
import { QueryScheduler } from '../interfaces/scheduler/query-scheduler.ts';
import { ReconcileScheduler } from '../interfaces/scheduler/reconcile-scheduler.ts';
import { RefundScheduler } from '../interfaces/scheduler/refund-scheduler.ts';
import { RetentionScheduler } from '../interfaces/scheduler/retention-scheduler.ts';
import { DemoOrderChanges } from '../sandbox/demo-order-changes.ts';
import { DemoShop } from '../sandbox/demo-shop.ts';
import { SandboxAlipay } from '../sandbox/sandbox-alipay.ts';
import { adminFormKey } from './admin-form-key.ts';
import { buildContainer, type Wiring } from './container.ts';

export interface BuiltApp {
  readonly app: Koa;
  /** What the CLIs run on inside the server (src/bootstrap/control.ts). */
  readonly container: Container;
  readonly sandbox?: SandboxAlipay;
  readonly demoShop?: DemoShop;
  /** Asks Alipay about unpaid orders once started; absent when ALIPAY_QUERY_SCHEDULE is off. */
  readonly queryScheduler?: QueryScheduler;
  /** Reconciles every unfinished recent day once started; absent when RECONCILE_AT is off. */
  readonly reconcileScheduler?: ReconcileScheduler;
  /** Deletes payment events past their retention once started. */
  readonly retentionScheduler: RetentionScheduler;
  /** Settles refunds whose outcome is unknown by the refund query once started; every serving process runs one. */
  readonly refundScheduler: RefundScheduler;
}

/** The Koa app with every controller resolved once; nothing else looks into the container. */
export function buildApp(wiring: Wiring): BuiltApp {
  const container = buildContainer(wiring);
  const controllers = {
    payment: container.get(PaymentController),
    health: container.get(HealthController),
    admin: container.get(AdminController),
    reconciliation: container.get(ReconciliationController),
    discrepancies: container.get(DiscrepancyController),
    rejections: container.get(RejectionsController),
    review: container.get(ReviewController),
    orderQuery: container.get(OrderQueryController),
    refund: container.get(RefundController),
    replay: container.get(ReplayController),
    rerun: container.get(RerunController),
    notices: container.get(ActionNotices),
  };
  const metrics = new Metrics();
  const options = {
    controllers,
    logger: wiring.logger,
    metrics,
    admin: {
      authenticate: container.get(AuthenticateOperator),
      sessions: container.get(OperatorSessions),
      formKey: adminFormKey(wiring.appPrivateKey),
    },
    production: wiring.production,
    trustedProxies: wiring.trustedProxies,
    shopUrl: wiring.shopUrl,
  };
  const schedule = container.get<QuerySchedule | null>(TOKENS.QuerySchedule);
  const queryScheduler =
    schedule === null
      ? undefined
      : new QueryScheduler({
          claim: container.get(ClaimDueQueries),
          ask: container.get(AskAlipayAboutOrder),
          metrics,
          logger: wiring.logger,
          firstOffsetMs: schedule.offsetsMs[0]!,
        });
  const reconcileScheduler =
    wiring.reconcileAtMinutes == null ? undefined : new ReconcileScheduler(container.get(ReconcilePastDays), wiring.logger);
  const retentionScheduler = new RetentionScheduler(container.get(PrunePaymentEvents), wiring.logger);
  const refundScheduler = new RefundScheduler(container.get(SettlePendingRefunds), wiring.logger);
  const schedulers = { container, queryScheduler, reconcileScheduler, retentionScheduler, refundScheduler };
  if (!wiring.sandbox) return { app: createApp(options), ...schedulers };
  // The sandbox and the demo shop keep their trades and change orders in the database itself.
  if (wiring.memory) throw new Error('the sandbox needs the database: wire knex, not memory');
  const clock = container.get<Clock>(TOKENS.Clock);
  const sandbox = new SandboxAlipay({ now: () => clock.now(), ...wiring.sandbox });
  const demoShop = new DemoShop(
    container.get<OrderRepository>(TOKENS.OrderRepository),
    container.get(PlaceOrder),
    new DemoOrderChanges(wiring.sandbox.knex, () => clock.now()),
  );
  return { app: createApp({ ...options, extraRoutes: [sandbox.routes(), demoShop.routes()] }), sandbox, demoShop, ...schedulers };
}
