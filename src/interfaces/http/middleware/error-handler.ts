import type { Next } from 'koa';
import { PaymentNeedsReview, TradeNoConflict } from '../../../domain/errors.ts';
import { adminErrorPage, CROSS_SITE_PAGE, READ_ONLY_PAGE } from '../admin/admin-error-page.ts';
import { isAdminPath } from '../admin/admin-gate.ts';
import type { AppContext } from '../app-state.ts';
import { renderPage } from '../pages.ts';
import {
  ERROR_PAGES,
  type ErrorPage,
  type HttpErrorCode,
  httpErrorCode,
  NOT_FOUND_PAGE,
  NOTIFY_HANDLED,
  REVIEW_REASON_LABELS,
  TOO_LARGE_PAGE,
  UNEXPECTED_PAGE,
} from './error-responses.ts';
import { CrossSiteWrite, PayloadTooLarge, ReadOnlyOperator } from './http-errors.ts';

/** The one place where errors become responses. Stacks and SQL go to the log, never to the client. */
export async function errorHandler(ctx: AppContext, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) await reply(ctx, NOT_FOUND_PAGE);
  } catch (error) {
    const code = httpErrorCode(error);
    const page = code ? ERROR_PAGES[code] : refusalPage(error);
    if (page === UNEXPECTED_PAGE) ctx.state.log.error({ err: error }, 'unexpected error');
    else ctx.state.log[page.logLevel]({ code: code ?? (error as Error).name, reason: (error as Error).message }, 'request refused');
    await reply(ctx, page, error, code);
  }
}

async function reply(ctx: AppContext, page: ErrorPage, error?: unknown, code?: HttpErrorCode): Promise<void> {
  const format = ctx.state.replyFormat ?? 'page';
  if (format === 'alipay-notify') {
    const handled = code !== undefined && NOTIFY_HANDLED.has(code);
    ctx.status = handled ? 200 : page.status;
    ctx.type = 'text/plain';
    ctx.body = handled ? 'success' : 'failure';
    return;
  }
  ctx.status = page.status;
  if (page.status === 503) ctx.set('Retry-After', '5');
  if (format === 'json') {
    ctx.body = { code: String(page.status), errmsg: page.title };
    return;
  }
  try {
    if (isAdminPath(ctx.path)) await ctx.render('admin/error.pug', adminErrorPage(ctx, page, error));
    else renderPage(ctx, 'error.pug', { page, details: detailsOf(error) });
  } catch (renderError) {
    ctx.state.log.error({ err: renderError }, 'error page failed to render');
    ctx.type = 'text/plain';
    ctx.body = page.title;
  }
}

function refusalPage(error: unknown): ErrorPage {
  if (error instanceof PayloadTooLarge) return TOO_LARGE_PAGE;
  if (error instanceof CrossSiteWrite) return CROSS_SITE_PAGE;
  if (error instanceof ReadOnlyOperator) return READ_ONLY_PAGE;
  return UNEXPECTED_PAGE;
}

/** What the shopper needs to quote to support. */
function detailsOf(error: unknown): Record<string, string> {
  if (error instanceof PaymentNeedsReview) {
    return { 订单号: error.orderId, 支付宝交易号: error.tradeNo, 原因: REVIEW_REASON_LABELS[error.reason] };
  }
  if (error instanceof TradeNoConflict) return { 订单号: error.orderId, 支付宝交易号: error.tradeNo };
  return {};
}
