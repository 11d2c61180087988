import { Buffer } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
}

const REALM = 'Basic realm="meiduo-payment admin", charset="UTF-8"';
// Digests have one length whatever was typed, so timingSafeEqual compares in constant time.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** HTTP Basic for the admin pages. */
export function requireAdmin({ user, password }: AdminCredentials) {
  const expected = digest(`${user}:${password}`);
  return async (ctx: Context, next: Next): Promise<void> => {
    const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(ctx.get('Authorization'));
    const offered = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    if (!timingSafeEqual(digest(offered), expected)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', REALM);
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/plain';
      ctx.body = '需要管理员登录';
      return;
    }
    await next();
  };
}
