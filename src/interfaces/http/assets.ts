import { readFileSync } from 'node:fs';
import type { Context } from 'koa';
import { VIEWS_DIR } from './views-dir.ts';

// Stylesheets as files, so that every page's CSP can forbid inline styles and scripts.
// A Map, not an object: a name such as constructor or __proto__ must find nothing, not Object.prototype's.
const ASSETS: ReadonlyMap<string, string> = new Map(
  ['site.css', 'sandbox.css'].map((name) => [name, readFileSync(`${VIEWS_DIR}/assets/${name}`, 'utf8')]),
);

export async function serveAsset(ctx: Context): Promise<void> {
  const asset = ASSETS.get(ctx.params.file);
  if (asset === undefined) return;
  ctx.type = 'text/css';
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.body = asset;
}
