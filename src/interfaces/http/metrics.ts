import type { Context, Next } from 'koa';
import { Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process; each cluster worker keeps its own. */
export class Metrics {
  readonly registry = new Registry();
  private readonly payments = new Counter({
    name: 'meiduo_payment_callbacks_total',
    help: 'Alipay returns and notifies by channel and outcome (recorded, duplicate, ignored, needs_review, rejected).',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });
  private readonly rejections = new Counter({
    name: 'meiduo_payment_rejections_total',
    help: 'Refused returns and notifies by reason.',
    labelNames: ['channel', 'reason'],
    registers: [this.registry],
  });
  private readonly adminLoginFailures = new Counter({
    name: 'meiduo_admin_login_failures_total',
    help: 'Admin logins refused for wrong or malformed credentials.',
    registers: [this.registry],
  });
  private readonly throttledRequests = new Counter({
    name: 'meiduo_throttled_requests_total',
    help: 'Requests answered 429 because their client address went over a limit.',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'meiduo_http_request_duration_seconds',
    help: 'Request latency by route.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Times every request; counts what the payment routes left in ctx.state.payment. */
  middleware = async (ctx: Context, next: Next): Promise<void> => {
    const stop = this.latency.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      stop({ method: ctx.method, route: String(route), status: String(ctx.status) });
      const payment = ctx.state.payment as { channel: string; outcome: string; reason?: string } | undefined;
      if (payment) {
        this.payments.inc({ channel: payment.channel, outcome: payment.outcome });
        if (payment.outcome === 'rejected' && payment.reason) this.rejections.inc({ channel: payment.channel, reason: payment.reason });
      }
    }
  };

  adminLoginFailed(): void {
    this.adminLoginFailures.inc();
  }

  throttled(limit: 'admin-login' | 'pay-url'): void {
    this.throttledRequests.inc({ limit });
  }

  /** GET /metrics */
  expose = async (ctx: Context): Promise<void> => {
    ctx.type = this.registry.contentType;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await this.registry.metrics();
  };
}
