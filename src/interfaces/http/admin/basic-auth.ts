import { Buffer } from 'node:buffer';

/** absent: nothing offered (a browser's first request); malformed: not a Basic credential we accept. */
export type BasicCredentials = { readonly name: string; readonly password: string } | 'absent' | 'malformed';

// Strict base64 only (it must re-encode to itself): a lenient decoder lets many spellings stand for one credential.
const BASIC = /^Basic ([A-Za-z0-9+/=]{4,1024})$/i;

/** The name and password of an Authorization header. */
export function readBasicAuth(header: string): BasicCredentials {
  if (header === '') return 'absent';
  const encoded = BASIC.exec(header)?.[1] ?? '';
  const bytes = Buffer.from(encoded, 'base64');
  if (encoded === '' || bytes.toString('base64') !== encoded) return 'malformed';
  const text = bytes.toString('utf8');
  const colon = text.indexOf(':');
  return colon < 1 ? 'malformed' : { name: text.slice(0, colon), password: text.slice(colon + 1) };
}
