import type { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import type { Context } from 'koa';
import { sameSecret } from '../../../shared/same-secret.ts';
import { readRawBody } from '../middleware/raw-body.ts';

const MAX_FORM_BYTES = 16 * 1024;
export const FORM_TOKEN_FIELD = '_csrf';

/** Whom a form token is for: a browser session (by its secret) or an account signing in with HTTP Basic. */
export type FormTokenSubject = { readonly session: string } | { readonly basic: string };

/**
 * Cross-site request protection for admin writes. A form must carry the token our own pages embed for
 * its signer, and must not come from another site by the browser's own account (Sec-Fetch-Site). Tokens
 * are an HMAC under a key every instance derives alike (from the app's private key), so that any worker
 * checks any other's without shared state; a session's token dies with the session.
 */
export class FormTokens {
  constructor(private readonly key: Buffer) {}

  for(subject: FormTokenSubject): string {
    const message = 'session' in subject ? `session\n${subject.session}` : `basic\n${subject.basic}`;
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }

  /** The post's fields when it is our own page's for this subject; otherwise why it could have come from another site. */
  async readForm(ctx: Context, subject: FormTokenSubject): Promise<{ form: URLSearchParams } | { refused: string }> {
    const read = await readSameSiteForm(ctx);
    if ('refused' in read) return read;
    const { form } = read;
    if (form.getAll(FORM_TOKEN_FIELD).length !== 1) return { refused: 'no single form token' };
    return sameSecret(this.for(subject), form.get(FORM_TOKEN_FIELD) ?? '') ? { form } : { refused: 'wrong form token' };
  }
}

/** A form post that says it came from one of our pages (or says nothing, as scripts do). */
export async function readSameSiteForm(ctx: Context): Promise<{ form: URLSearchParams } | { refused: string }> {
  const site = ctx.get('Sec-Fetch-Site');
  // Browsers say where a request comes from; a client that says nothing still needs the token.
  if (site !== '' && site !== 'same-origin') return { refused: `Sec-Fetch-Site is ${site}` };
  if (!ctx.is('application/x-www-form-urlencoded')) return { refused: 'not a form' };
  return { form: new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, MAX_FORM_BYTES))) };
}
