import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import proxyaddr from 'proxy-addr';

/**
 * Behind trusted proxies, the client is the nearest X-Forwarded-For hop that is not one of them;
 * from anyone else the header is ignored, since anyone can set it. ctx.ip then names the client for
 * the audit trail and the throttles. The first X-Forwarded-For from a peer not trusted is logged once:
 * behind a proxy that TRUSTED_PROXIES does not name, every shopper shares the proxy's address.
 */
export function clientAddress(trustedProxies: readonly string[], logger: Logger) {
  const trust = proxyaddr.compile([...trustedProxies]);
  let warned = false;
  return async (ctx: Context, next: Next): Promise<void> => {
    if (trustedProxies.length > 0) ctx.request.ip = proxyaddr(ctx.req, trust);
    if (!warned && ctx.get('X-Forwarded-For') !== '') {
      const peer = ctx.req.socket.remoteAddress ?? '';
      if (!trust(peer, 0)) {
        warned = true;
        logger.warn(
          { peer, trustedProxies },
          'X-Forwarded-For from a peer TRUSTED_PROXIES does not list: ignored. If this peer is your own proxy, list it in TRUSTED_PROXIES, or every client shares its address in the audit trail and the throttles; if not, anyone can send the header and nothing needs doing (logged once)',
        );
      }
    }
    await next();
  };
}
