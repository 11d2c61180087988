import type { Buffer } from 'node:buffer';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { AdminCredentials } from './basic-auth.ts';
import { readRawBody } from './raw-body.ts';

const MAX_FORM_BYTES = 16 * 1024;
export const FORM_TOKEN_FIELD = '_csrf';

/**
 * Cross-site request protection for admin writes, on top of Basic auth (which a browser replays on any
 * site's form post). A form must carry the token our own pages embed — derived from the credentials, so
 * every worker agrees and no other site can compute or read it — and must not come from another site
 * by the browser's own account (Sec-Fetch-Site, Origin).
 */
export class AdminFormGuard {
  readonly token: string;
  private readonly expected: Buffer;

  constructor({ user, password }: AdminCredentials) {
    const key = createHash('sha256').update(`meiduo-payment admin forms\n${user}\n${password}`).digest();
    this.token = createHmac('sha256', key).update(user).digest('base64url');
    this.expected = digest(this.token);
  }

  /** The posted form's fields, or null when the post could have come from another site. */
  async readForm(ctx: Context): Promise<URLSearchParams | null> {
    if (!isSameOrigin(ctx)) return null;
    if (!ctx.is('application/x-www-form-urlencoded')) return null;
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, MAX_FORM_BYTES)));
    return timingSafeEqual(digest(form.get(FORM_TOKEN_FIELD) ?? ''), this.expected) ? form : null;
  }
}

// Digests have one length whatever was sent, so timingSafeEqual compares in constant time.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Browsers say where a request comes from; a client that says nothing still needs the token. */
function isSameOrigin(ctx: Context): boolean {
  const site = ctx.get('Sec-Fetch-Site');
  if (site !== '' && site !== 'same-origin') return false;
  const origin = ctx.get('Origin');
  if (origin === '') return true;
  try {
    return new URL(origin).host === ctx.host;
  } catch {
    return false; // "null": a sandboxed frame, a redirect from elsewhere
  }
}
