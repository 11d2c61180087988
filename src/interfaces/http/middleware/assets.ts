import { readFileSync } from 'node:fs';
import type { Context } from 'koa';
import { VIEWS_DIR } from '../views-dir.ts';

interface Asset {
  readonly type: string;
  readonly body: string;
}

const TYPES: Readonly<Record<string, string>> = { css: 'text/css', svg: 'image/svg+xml' };

// Stylesheets and the icon as files, so that every page's CSP can forbid inline styles and scripts.
// A Map, not an object: a name such as constructor or __proto__ must find nothing, not Object.prototype's.
const ASSETS: ReadonlyMap<string, Asset> = new Map(
  ['site.css', 'sandbox.css', 'admin.css', 'favicon.svg'].map((name) => [
    name,
    { type: TYPES[name.slice(name.lastIndexOf('.') + 1)]!, body: readFileSync(`${VIEWS_DIR}/assets/${name}`, 'utf8') },
  ]),
);

export async function serveAsset(ctx: Context): Promise<void> {
  const asset = ASSETS.get(ctx.params.file);
  if (asset !== undefined) send(ctx, asset);
}

/** `GET /favicon.ico`: browsers ask for it whatever a page links to; the SVG icon answers. */
export async function serveFavicon(ctx: Context): Promise<void> {
  send(ctx, ASSETS.get('favicon.svg')!);
}

function send(ctx: Context, { type, body }: Asset): void {
  ctx.type = type;
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.body = body;
}
