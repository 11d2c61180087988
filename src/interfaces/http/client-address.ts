import type { Context, Next } from 'koa';
import proxyaddr from 'proxy-addr';

/**
 * Behind trusted proxies, the client is the nearest X-Forwarded-For hop that is not one of them;
 * from anyone else the header is ignored, since anyone can set it. ctx.ip then names the client for
 * the audit trail and the throttles.
 */
export function clientAddress(trustedProxies: readonly string[]) {
  const trust = proxyaddr.compile([...trustedProxies]);
  return async (ctx: Context, next: Next): Promise<void> => {
    ctx.request.ip = proxyaddr(ctx.req, trust);
    await next();
  };
}
