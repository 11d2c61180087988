import type { Context, Next } from 'koa';
import { ApplicationError } from '../../application/errors.ts';
import { DomainError, PaymentNeedsReview, TradeNoConflict } from '../../domain/errors.ts';
import { ERROR_PAGES, NOT_FOUND_PAGE, REVIEW_REASON_LABELS, UNEXPECTED_PAGE, type ErrorPage } from './error-responses.ts';

/** The one place where errors become responses. Stacks and SQL go to the log, never to the page. */
export async function errorHandler(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) await renderError(ctx, NOT_FOUND_PAGE);
  } catch (error) {
    const known = error instanceof DomainError || error instanceof ApplicationError;
    const page = known ? ERROR_PAGES[error.code] : UNEXPECTED_PAGE;
    if (known) ctx.state.log?.[page.logLevel]({ code: error.code, reason: error.message }, 'request refused');
    else ctx.state.log?.error({ err: error }, 'unexpected error');
    await renderError(ctx, page, detailsOf(error));
  }
}

async function renderError(ctx: Context, page: ErrorPage, details: Record<string, string> = {}): Promise<void> {
  ctx.status = page.status;
  if (page.status === 503) ctx.set('Retry-After', '5');
  try {
    await ctx.render('error', { page, details });
  } catch (error) {
    ctx.state.log?.error({ err: error }, 'error page failed to render');
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = page.title;
  }
}

/** What the shopper needs to quote to support. */
function detailsOf(error: unknown): Record<string, string> {
  if (error instanceof PaymentNeedsReview) {
    return { 订单号: error.orderId, 支付宝交易号: error.tradeNo, 原因: REVIEW_REASON_LABELS[error.reason] };
  }
  if (error instanceof TradeNoConflict) return { 订单号: error.orderId, 支付宝交易号: error.tradeNo };
  return {};
}
