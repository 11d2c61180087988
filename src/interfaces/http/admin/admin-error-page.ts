import { InvalidQuery } from '../../../application/errors.ts';
import type { AppContext } from '../app-state.ts';
import type { ErrorPage } from '../middleware/error-responses.ts';
import { parameterLabel, queryProblemText } from './query-problem-labels.ts';

export const CROSS_SITE_PAGE: ErrorPage = {
  status: 403,
  title: '请求来源无法验证',
  message: '这次提交没有带上后台页面的校验信息，或来自其他网站，已被拒绝，没有做任何修改。请回到后台页面重新提交。',
  logLevel: 'warn',
};

export const READ_ONLY_PAGE: ErrorPage = {
  status: 403,
  title: '只读账号',
  message: '您的账号只能查看，不能执行处理、查单、重放、对账或退款。如需操作，请联系管理员开通操作员账号。',
  logLevel: 'warn',
};

// Parameters that are part of the path: going back means going up to the listing that links to them.
const PARENT_OF_PATH_PARAMETER: Readonly<Record<string, string>> = { order_id: '/admin/payments', date: '/admin/reconciliation' };
const LISTING_NAMES: Readonly<Record<string, string>> = {
  '/admin/payments': '支付记录',
  '/admin/reconciliation': '对账',
  '/admin/rejections': '被拒回调',
  '/admin/audit': '操作记录',
};
const CURSORS = ['after', 'before', 'cursor'];

/** An admin error in the admin's own words: which parameter was wrong and why, and a way back that keeps the rest. */
export function adminErrorPage(ctx: AppContext, page: ErrorPage, error: unknown) {
  const invalid = error instanceof InvalidQuery ? error : null;
  const parameter = invalid?.parameter ?? null;
  return {
    page,
    parameter,
    parameterLabel: parameter === null ? '' : parameterLabel(parameter),
    problem: invalid ? queryProblemText(invalid) : null,
    swapLink: invalid?.problem === 'reversed' ? swappedRange(ctx) : '',
    ...back(ctx, parameter),
  };
}

/** Where the way back leads, what its link says (the listing, by name), and whether the other filters were kept. */
function back(ctx: AppContext, parameter: string | null): { backLink: string; backLabel: string; keptFilters: boolean } {
  const href = backLink(ctx, parameter);
  const [path, query] = href.split('?') as [string, string | undefined];
  const name = LISTING_NAMES[path] ?? '后台首页';
  return { backLink: href, backLabel: `返回${name}`, keptFilters: query !== undefined && parameter !== null };
}

/** The same listing with 起始日期 and 截止日期 exchanged: the range the staff member most likely meant. */
function swappedRange(ctx: AppContext): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(ctx.query)) {
    if (CURSORS.includes(name) || typeof value !== 'string' || value === '') continue;
    query.set(name === 'from' ? 'to' : name === 'to' ? 'from' : name, value);
  }
  return `${ctx.path.replace(/\.csv$/, '')}?${query}`;
}

function backLink(ctx: AppContext, parameter: string | null): string {
  // A refused 已处理: back to the payment, found by its trade no, where 去处理 leads to its form again.
  const resolving = /^\/admin\/payments\/([^/]+)\/resolve$/.exec(ctx.path);
  if (resolving) return `/admin/payments?${new URLSearchParams({ q: resolving[1]! })}`;
  if (parameter !== null && Object.hasOwn(PARENT_OF_PATH_PARAMETER, parameter)) return PARENT_OF_PATH_PARAMETER[parameter]!;
  if (parameter === null || ctx.method !== 'GET') return '/admin/payments';
  const kept = new URLSearchParams();
  for (const [name, value] of Object.entries(ctx.query)) {
    // A repeated parameter is itself the error; a cursor belongs to the page it was made on.
    if (name === parameter || CURSORS.includes(name) || typeof value !== 'string' || value === '') continue;
    kept.set(name, value);
  }
  const listing = ctx.path.replace(/\.csv$/, '');
  const query = kept.toString();
  return query ? `${listing}?${query}` : listing;
}
