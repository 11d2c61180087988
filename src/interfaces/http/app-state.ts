import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { CallbackReceived } from '../../application/receive-alipay-callback.ts';
import type { OperatorRole } from '../../domain/operator.ts';
import type { ActionNotice } from './admin/action-notices.ts';

/** Where a shopper can go from any of our pages: 首页, 我的订单, 用户中心. */
export interface ShopLinks {
  readonly home: string;
  readonly orders: string;
  readonly userCenter: string;
}

/** How a route's errors are answered: a page for browsers, Alipay's plain word, or JSON for the front end. */
export type ReplyFormat = 'page' | 'alipay-notify' | 'json';

/** Everything middleware leaves on ctx.state for the middleware after it; nothing else goes there. */
export interface AppState {
  /** The request's logger, carrying its request id (requestLog). */
  log: Logger;
  /** Set per route by replyAs; a page when unset. */
  replyFormat?: ReplyFormat;
  /** What a return or notify came to, for the callback metrics. */
  confirmed?: CallbackReceived;
  /** The signed-in staff member, the token their forms carry, and whether they may act or only read (adminGate). */
  admin?: {
    readonly user: string;
    readonly role: OperatorRole;
    readonly formToken: string;
    readonly mayOperate: boolean;
    /** The browser session's token; null when signed in with HTTP Basic, which has no signing out. */
    readonly session: string | null;
  };
  /** Where shopper pages link to: 首页, 我的订单, 用户中心 (shopLinks). */
  shop?: ShopLinks;
  /** An admin form post that passed the cross-site checks (adminGate). */
  adminForm?: URLSearchParams;
  /** What the action that redirected here came to (ActionNotices). */
  actionNotice?: ActionNotice;
}

export type AppContext = ParameterizedContext<AppState>;

/** Declares how a route's errors are answered. */
export function replyAs(format: ReplyFormat) {
  return async (ctx: AppContext, next: () => Promise<unknown>): Promise<void> => {
    ctx.state.replyFormat = format;
    await next();
  };
}
