import type { Context, Next } from 'koa';
import type { Metrics } from './metrics.ts';
import { clientKey, type RateLimiter } from './rate-limiter.ts';

/** Answers a JSON route's client 429 with Retry-After once its address goes over the limit. */
export function throttleJson(limiter: RateLimiter, metrics: Metrics) {
  return async <C extends Context>(ctx: C, next: Next): Promise<void> => {
    const wait = limiter.hit(clientKey(ctx.ip));
    if (wait === 0) return next();
    metrics.throttled('pay-url');
    ctx.status = 429;
    ctx.set('Retry-After', String(wait));
    ctx.body = { code: '429', errmsg: '请求过于频繁，请稍后再试' };
  };
}
