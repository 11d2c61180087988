import type { Next } from 'koa';
import type { AuthenticateOperator } from '../../../application/authenticate-operator.ts';
import type { OperatorSessions } from '../../../application/operator-sessions.ts';
import { mayOperate, type Operator } from '../../../domain/operator.ts';
import type { AppContext } from '../app-state.ts';
import { CrossSiteWrite, ReadOnlyOperator } from '../middleware/http-errors.ts';
import type { Metrics } from '../middleware/metrics.ts';
import { clientKey, type RateLimiter } from '../middleware/rate-limiter.ts';
import { ADMIN_CSP } from '../middleware/security-headers.ts';
import { readBasicAuth } from './basic-auth.ts';
import type { FormTokenSubject, FormTokens } from './form-tokens.ts';
import type { SessionCookie } from './session-cookie.ts';

const REALM = 'Basic realm="meiduo-payment admin", charset="UTF-8"';
/** The pages anyone may reach: signing in, and out (which needs its own session's token). */
export const SIGN_IN_PATH = '/admin/login';
export const SIGN_OUT_PATH = '/admin/logout';

export interface AdminGateParts {
  readonly authenticate: AuthenticateOperator;
  readonly sessions: OperatorSessions;
  readonly cookie: SessionCookie;
  readonly forms: FormTokens;
  /** Failed sign-ins per client address, Basic and form alike. */
  readonly failures: RateLimiter;
  readonly metrics: Metrics;
}

/**
 * The one guard of the staff area. It runs before any router and claims every path that could
 * reach an admin route however it is spelled (any case, %-escapes, doubled slashes), so that no
 * route can be matched around it. A browser signs in at /admin/login and carries a session cookie;
 * a script sends HTTP Basic with the same accounts. Failed sign-ins are counted per client address;
 * past the limit the address gets 429 until its window ends. Every admin request other than GET and
 * HEAD is a write: it must pass the cross-site checks, and only an operator (not a viewer) may make it.
 */
export function adminGate({ authenticate, sessions, cookie, forms, failures, metrics }: AdminGateParts) {
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
    if (ctx.path === SIGN_IN_PATH) return next();

    const sessionToken = cookie.read(ctx);
    const fromSession = sessionToken === null ? null : await sessions.resume(sessionToken);
    let signedIn: { operator: Operator; subject: FormTokenSubject } | null =
      fromSession === null ? null : { operator: fromSession, subject: { session: sessionToken! } };
    if (signedIn === null) {
      if (sessionToken !== null) cookie.clear(ctx);
      const basic = readBasicAuth(ctx.get('Authorization'));
      const operator = typeof basic === 'string' ? null : await authenticate.withPassword(basic.name, basic.password);
      if (operator !== null) signedIn = { operator, subject: { basic: operator.name } };
      else if (basic !== 'absent') {
        failures.hit(client);
        metrics.adminLoginFailed();
        ctx.state.log?.warn({ remoteAddress: ctx.ip }, 'admin login failed');
      }
    }
    if (signedIn === null) return askToSignIn(ctx, sessionToken !== null);

    const { operator, subject } = signedIn;
    ctx.state.admin = {
      user: operator.name,
      role: operator.role,
      formToken: forms.for(subject),
      mayOperate: mayOperate(operator.role),
      session: 'session' in subject ? subject.session : null,
    };
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return next();
    const read = await forms.readForm(ctx, subject);
    if ('refused' in read) {
      ctx.state.log.warn({ remoteAddress: ctx.ip, path: ctx.path, why: read.refused }, 'admin write refused as cross-site');
      throw new CrossSiteWrite();
    }
    ctx.state.adminForm = read.form;
    if (ctx.path !== SIGN_OUT_PATH && !mayOperate(operator.role)) throw new ReadOnlyOperator();
    return next();
  };
}

/**
 * A browser goes to the sign-in page (and back here afterwards); a script is asked for HTTP Basic. A
 * browser never gets Basic's challenge, whose password dialog would stand in front of the sign-in page.
 */
function askToSignIn(ctx: AppContext, expired: boolean): void {
  const browser = ctx.get('Accept') !== '' && ctx.accepts('text/html', 'text/plain', '*/*') === 'text/html';
  if (browser && ctx.get('Authorization') === '') {
    // A form posted after the session ended goes to the sign-in page too (nothing was written), then to the list.
    const next = ctx.method === 'GET' ? ctx.originalUrl : '/admin/payments';
    const query = new URLSearchParams({ next, ...(expired ? { expired: '1' } : {}) });
    ctx.status = 303;
    ctx.redirect(`${SIGN_IN_PATH}?${query}`);
    return;
  }
  refuse(ctx, 401, '需要管理员登录', browser ? {} : { 'WWW-Authenticate': REALM });
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
