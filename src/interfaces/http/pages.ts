import { join } from 'node:path';
import type { Context } from 'koa';
import pug from 'pug';
import type { AppState } from './app-state.ts';
import { VIEWS_DIR } from './views-dir.ts';

// The pages a confirmation answers with, compiled once at start-up. koa-views renders every other page;
// on these hot paths its per-render path lookup (a stat), option merging and promise chain cost more
// than the template itself.
const HOT_PAGES = ['pay_success.pug', 'error.pug'] as const;
export type HotPage = (typeof HOT_PAGES)[number];

const compiled = new Map(HOT_PAGES.map((name) => [name, pug.compileFile(join(VIEWS_DIR, name), { basedir: VIEWS_DIR })]));

/** Renders a hot page as koa-views would: the request's state, then the page's own locals. */
export function renderPage(ctx: Context & { state: AppState }, name: HotPage, locals: Record<string, unknown>): void {
  const html = compiled.get(name)!({ shop: ctx.state.shop, ...locals });
  ctx.type = 'html';
  ctx.body = html;
}
