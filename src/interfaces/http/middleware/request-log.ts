import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** One log line per request. It names the path, never the query: that carries the signature. */
export function requestLog(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = performance.now();
    const offered = ctx.get('X-Request-Id');
    const requestId = SAFE_ID.test(offered) ? offered : randomUUID();
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}
