import type { Context, Next } from 'koa';
import { Counter, Histogram, Registry } from 'prom-client';
import type { PaymentSource } from '../../../domain/payment.ts';
import type { AppContext } from '../app-state.ts';
import { ERROR_PAGES, httpErrorCode, NOTIFY_HANDLED } from './error-responses.ts';

/** Prometheus metrics of one process; each cluster worker keeps its own. */
export class Metrics {
  readonly registry = new Registry();
  private readonly callbacks = new Counter({
    name: 'meiduo_payment_callbacks_total',
    help: 'Alipay returns and notifies by channel and outcome (recorded, duplicate, ignored, needs_review, rejected, error).',
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
  private readonly queries = new Counter({
    name: 'meiduo_alipay_queries_total',
    help: 'alipay.trade.query calls by outcome (paid, waiting, not_started, closed, failed).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly recovered = new Counter({
    name: 'meiduo_payments_recovered_total',
    help: 'Payments first learnt of by asking Alipay: neither the return nor the notify had come.',
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'meiduo_http_request_duration_seconds',
    help: 'Request latency by route.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Times every request. */
  middleware = async (ctx: Context, next: Next): Promise<void> => {
    const stop = this.latency.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      stop({ method: ctx.method, route: String(route), status: String(ctx.status) });
    }
  };

  /** Counts what each return or notify came to, whether it succeeded or threw. */
  countCallbacks(channel: PaymentSource) {
    return async (ctx: AppContext, next: Next): Promise<void> => {
      let error: unknown;
      try {
        await next();
      } catch (thrown) {
        error = thrown;
        throw thrown;
      } finally {
        const { outcome, reason } = callbackOutcome(ctx.state.confirmed?.outcome, error);
        this.callbacks.inc({ channel, outcome });
        if (outcome === 'rejected' && reason) this.rejections.inc({ channel, reason });
      }
    };
  }

  adminLoginFailed(): void {
    this.adminLoginFailures.inc();
  }

  throttled(limit: 'admin-login' | 'pay-url'): void {
    this.throttledRequests.inc({ limit });
  }

  /** One alipay.trade.query, and whether it recorded a payment no callback had brought. */
  queried(outcome: string, recovered: boolean): void {
    this.queries.inc({ outcome });
    if (recovered) this.recovered.inc();
  }

  /** GET /metrics */
  expose = async (ctx: Context): Promise<void> => {
    ctx.type = this.registry.contentType;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await this.registry.metrics();
  };
}

/** What a callback came to: the use case's outcome, or what its error means (kept for review, refused, failed). */
export function callbackOutcome(confirmed: string | undefined, error: unknown): { outcome: string; reason?: string } {
  if (error === undefined) return { outcome: confirmed ?? 'error' };
  const code = httpErrorCode(error);
  if (code === undefined) return { outcome: 'error' };
  if (NOTIFY_HANDLED.has(code)) return { outcome: 'needs_review', reason: code };
  return { outcome: ERROR_PAGES[code].status < 500 ? 'rejected' : 'error', reason: code };
}
