import { Buffer } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
}

/** absent: nothing offered (a browser's first request); wrong: a guess, malformed or not. */
export type BasicAuthResult = 'absent' | 'wrong' | 'right';

// Strict base64 only (it must re-encode to itself): a lenient decoder lets many spellings stand for one credential.
const BASIC = /^Basic ([A-Za-z0-9+/=]{4,1024})$/i;
// Digests have one length whatever was typed, so timingSafeEqual compares in constant time.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Checks an Authorization header against the admin credentials, in constant time. */
export function basicAuthChecker({ user, password }: AdminCredentials): (header: string) => BasicAuthResult {
  const expected = digest(`${user}:${password}`);
  return (header) => {
    if (header === '') return 'absent';
    const encoded = BASIC.exec(header)?.[1] ?? '';
    const bytes = Buffer.from(encoded, 'base64');
    const canonical = encoded !== '' && bytes.toString('base64') === encoded;
    return timingSafeEqual(digest(canonical ? bytes.toString('utf8') : ''), expected) && canonical ? 'right' : 'wrong';
  };
}
