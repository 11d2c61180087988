import type { OperatorSessions } from '../../../application/operator-sessions.ts';
import type { AppContext } from '../app-state.ts';
import { CrossSiteWrite } from '../middleware/http-errors.ts';
import type { Metrics } from '../middleware/metrics.ts';
import { clientKey, type RateLimiter } from '../middleware/rate-limiter.ts';
import { SIGN_IN_PATH } from './admin-gate.ts';
import { readSameSiteForm } from './form-tokens.ts';
import type { SessionCookie } from './session-cookie.ts';

const HOME = '/admin/payments';
const FIELD_MAX = 200;

export interface SignInParts {
  readonly sessions: OperatorSessions;
  readonly cookie: SessionCookie;
  readonly failures: RateLimiter;
  readonly metrics: Metrics;
}

/** /admin/login and /admin/logout: a browser's way in and out of the back office. */
export function signInRoutes({ sessions, cookie, failures, metrics }: SignInParts) {
  /** GET /admin/login */
  const show = async (ctx: AppContext): Promise<void> => {
    await ctx.render('admin/login.pug', {
      next: backTo(ctx.query.next),
      name: '',
      notice: ctx.query.signed_out === '1' ? '已退出登录。' : ctx.query.expired === '1' ? '登录已过期，请重新登录。' : '',
      problem: '',
    });
  };

  /** POST /admin/login: throttled with HTTP Basic's failures; a session only for a name and password that match. */
  const signIn = async (ctx: AppContext): Promise<void> => {
    const read = await readSameSiteForm(ctx);
    if ('refused' in read) {
      ctx.state.log.warn({ remoteAddress: ctx.ip, why: read.refused }, 'sign-in refused as cross-site');
      throw new CrossSiteWrite();
    }
    const name = (read.form.get('name') ?? '').trim().slice(0, FIELD_MAX);
    const password = (read.form.get('password') ?? '').slice(0, FIELD_MAX);
    const next = backTo(read.form.get('next'));
    const signedIn = name === '' || password === '' ? null : await sessions.signIn(name, password, ctx.ip);
    if (signedIn === null) {
      failures.hit(clientKey(ctx.ip));
      metrics.adminLoginFailed();
      ctx.state.log.warn({ remoteAddress: ctx.ip }, 'admin login failed');
      ctx.status = 401;
      await ctx.render('admin/login.pug', { next, name, notice: '', problem: '账号或密码错误，或账号已停用。' });
      return;
    }
    ctx.state.log.info({ operator: signedIn.operator.name }, 'operator signed in');
    cookie.set(ctx, signedIn.token);
    ctx.status = 303;
    ctx.redirect(next);
  };

  /** POST /admin/logout: adminGate has checked the session's form token. */
  const signOut = async (ctx: AppContext): Promise<void> => {
    const admin = ctx.state.admin;
    if (admin?.session) await sessions.signOut(admin.session, { name: admin.user, role: admin.role }, ctx.ip);
    cookie.clear(ctx);
    ctx.status = 303;
    ctx.redirect(`${SIGN_IN_PATH}?signed_out=1`);
  };

  return { show, signIn, signOut };
}

/** Where to go after signing in: a back-office path of ours, never another site (`//evil`, `/\evil`). */
function backTo(asked: unknown): string {
  return typeof asked === 'string' && /^\/admin(?:[/?#]|$)/.test(asked) && !/[\\\s]/.test(asked) && asked !== SIGN_IN_PATH ? asked : HOME;
}
