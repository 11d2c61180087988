import type { Context, Next } from 'koa';

const CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
export const ADMIN_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** `hsts`: in production, where PUBLIC_URL is https, browsers must never come back over http. */
export function securityHeaders({ hsts }: { hsts: boolean }) {
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The return URL carries Alipay's signed parameters: never leak it to another site.
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': CSP,
  };
  if (hsts) headers['Strict-Transport-Security'] = 'max-age=31536000';
  return async (ctx: Context, next: Next): Promise<void> => {
    ctx.set(headers);
    await next();
  };
}
