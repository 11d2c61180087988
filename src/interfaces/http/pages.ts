import { join } from 'node:path';
import type { Context } from 'koa';
import views from 'koa-views';
import pug from 'pug';
import type { AppState } from './app-state.ts';
import { VIEWS_DIR } from './views-dir.ts';

/**
 * How every page is rendered, in one place. koa-views puts `ctx.render` on each request and renders the
 * admin, sandbox and demo pages; the request's state (the shop's links) reaches every template.
 */
export const pageRenderer = () => views(VIEWS_DIR, { extension: 'pug', options: { cache: true, basedir: VIEWS_DIR } });

// The two pages a confirmation answers with are compiled at start-up and rendered by one call: koa-views
// looks the file up (an fs.stat) on every render, 35–55 µs against 1–3 µs, 7–10 % of a refresh's CPU
// (docs/performance.md, npm run bench:render).
const HOT_PAGES = ['pay_success.pug', 'error.pug'] as const;
export type HotPage = (typeof HOT_PAGES)[number];

const compiled = new Map(HOT_PAGES.map((name) => [name, pug.compileFile(join(VIEWS_DIR, name), { basedir: VIEWS_DIR })]));

/** Renders a hot page as koa-views would: the request's state, then the page's own locals. */
export function renderPage(ctx: Context & { state: AppState }, name: HotPage, locals: Record<string, unknown>): void {
  const html = compiled.get(name)!({ shop: ctx.state.shop, ...locals });
  ctx.type = 'html';
  ctx.body = html;
}
