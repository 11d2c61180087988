import type { Next } from 'koa';
import type { AppContext } from '../app-state.ts';
import { CrossSiteWrite } from '../middleware/http-errors.ts';
import type { Metrics } from '../middleware/metrics.ts';
import { clientKey, type RateLimiter } from '../middleware/rate-limiter.ts';
import { ADMIN_CSP } from '../middleware/security-headers.ts';
import { AdminFormGuard } from './admin-form-guard.ts';
import { type AdminCredentials, basicAuthChecker } from './basic-auth.ts';

const REALM = 'Basic realm="meiduo-payment admin", charset="UTF-8"';

/**
 * The one guard of the staff area. It runs before any router and claims every path that could
 * reach an admin route however it is spelled (any case, %-escapes, doubled slashes), so that no
 * route can be matched around it. Failed logins are counted per client address; past the limit the
 * address gets 429 until its window ends, whatever it offers, while other addresses sign in as usual.
 * Every admin request other than GET and HEAD is a write: it must also pass the cross-site checks
 * (AdminFormGuard), so that a route added later cannot forget them.
 */
export function adminGate(credentials: AdminCredentials, failures: RateLimiter, metrics: Metrics) {
  const check = basicAuthChecker(credentials);
  const forms = new AdminFormGuard(credentials);
  const admin = { user: credentials.user, formToken: forms.token, mayOperate: true };
  return async (ctx: AppContext, next: Next): Promise<void> => {
    if (!isAdminPath(ctx.path)) return next();
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Security-Policy', ADMIN_CSP);
    const client = clientKey(ctx.ip);
    const wait = failures.retryAfter(client);
    if (wait > 0) {
      metrics.throttled('admin-login');
      return refuse(ctx, 429, '登录失败次数过多，请稍后再试', { 'Retry-After': String(wait) });
    }
    const result = check(ctx.get('Authorization'));
    if (result === 'right') {
      ctx.state.admin = admin;
      if (ctx.method === 'GET' || ctx.method === 'HEAD') return next();
      const read = await forms.readForm(ctx);
      if ('refused' in read) {
        ctx.state.log.warn({ remoteAddress: ctx.ip, path: ctx.path, why: read.refused }, 'admin write refused as cross-site');
        throw new CrossSiteWrite();
      }
      ctx.state.adminForm = read.form;
      return next();
    }
    if (result === 'wrong') {
      failures.hit(client);
      metrics.adminLoginFailed();
      ctx.state.log?.warn({ remoteAddress: ctx.ip }, 'admin login failed');
    }
    refuse(ctx, 401, '需要管理员登录', { 'WWW-Authenticate': REALM });
  };
}

// The router never decodes a path; three passes cover any double encoding a proxy adds. A path still
// holding escapes after that is claimed as admin, so that a crafted nesting costs three passes, not thousands.
const DECODE_PASSES = 3;
const ESCAPE = /%[0-9A-Fa-f]{2}/g;
const ADMIN_WORD = /admin/i;

/** Whether a request path names the admin area, decoded as often as anything downstream might decode it. */
export function isAdminPath(path: string): boolean {
  // Without escapes nothing is decoded, and normalising only removes slashes and dots: letters never join,
  // and lowercasing makes no ASCII "admin" of other letters (İ becomes i plus a combining dot). So a path
  // that does not hold "admin" in some case cannot become an admin path. Most requests stop here.
  if (!path.includes('%') && !ADMIN_WORD.test(path)) return false;
  return normalisesToAdmin(path);
}

/** The whole rule, for any path. Exported so that a property test can check isAdminPath's shortcut against it. */
export function normalisesToAdmin(path: string): boolean {
  let decoded = path;
  for (let pass = 0; pass < DECODE_PASSES && decoded.includes('%'); pass++) {
    decoded = decoded.replace(ESCAPE, (sequence) => String.fromCharCode(parseInt(sequence.slice(1), 16)));
  }
  if (/%[0-9A-Fa-f]{2}/.test(decoded)) return true;
  return decoded
    .replace(/[/\\]+/g, '/')
    .replace(/\/\.(?=\/)/g, '')
    .toLowerCase()
    .startsWith('/admin');
}

function refuse(ctx: AppContext, status: number, body: string, headers: Record<string, string>): void {
  ctx.status = status;
  ctx.set(headers);
  ctx.type = 'text/plain';
  ctx.body = body;
}
