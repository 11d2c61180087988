import type { Buffer } from 'node:buffer';
import { createHash, createHmac, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { readRawBody } from '../middleware/raw-body.ts';
import type { AdminCredentials } from './basic-auth.ts';

const MAX_FORM_BYTES = 16 * 1024;
export const FORM_TOKEN_FIELD = '_csrf';

/**
 * Cross-site request protection for admin writes, on top of Basic auth (which a browser replays on any
 * site's form post). A form must carry the token our own pages embed, and must not come from another site
 * by the browser's own account (Sec-Fetch-Site). The token is derived from the credentials, so that every
 * worker and every host agrees without shared state; through scrypt, so that a token seen in a log or a
 * saved page is no cheap way to test password guesses offline.
 */
export class AdminFormGuard {
  readonly token: string;
  private readonly expected: Buffer;

  constructor({ user, password }: AdminCredentials) {
    const key = scryptSync(password, `meiduo-payment admin forms\n${user}`, 32, { N: 2 ** 15, maxmem: 64 * 1024 * 1024 });
    this.token = createHmac('sha256', key).update(user).digest('base64url');
    this.expected = digest(this.token);
  }

  /** Why a post could have come from another site, or null when it is our own page's: then its fields. */
  async readForm(ctx: Context): Promise<{ form: URLSearchParams } | { refused: string }> {
    const site = ctx.get('Sec-Fetch-Site');
    // Browsers say where a request comes from; a client that says nothing still needs the token.
    if (site !== '' && site !== 'same-origin') return { refused: `Sec-Fetch-Site is ${site}` };
    if (!ctx.is('application/x-www-form-urlencoded')) return { refused: 'not a form' };
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, MAX_FORM_BYTES)));
    if (form.getAll(FORM_TOKEN_FIELD).length !== 1) return { refused: 'no single form token' };
    return timingSafeEqual(digest(form.get(FORM_TOKEN_FIELD) ?? ''), this.expected) ? { form } : { refused: 'wrong form token' };
  }
}

// Digests have one length whatever was sent, so timingSafeEqual compares in constant time.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
