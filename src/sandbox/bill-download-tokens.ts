import { Buffer } from 'node:buffer';
import { createHash, createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

/** How long a bill_download_url serves, as Alipay's (about 30 seconds). */
export const BILL_URL_TTL_MS = 30_000;

/**
 * The token in a sandbox bill_download_url: the day and an expiry, MACed with a key derived from the
 * sandbox's Alipay key, so that any process of the sandbox can serve it and nobody can forge one.
 */
export class BillDownloadTokens {
  private readonly key: Buffer;

  constructor(
    alipayKey: KeyObject,
    private readonly now: () => Date,
  ) {
    const der = alipayKey.export({ type: 'pkcs8', format: 'der' });
    this.key = createHash('sha256').update('sandbox bill_download_url').update(der).digest();
  }

  issue(day: string): string {
    const payload = `${day}.${this.now().getTime() + BILL_URL_TTL_MS}`;
    return `${payload}.${this.mac(payload)}`;
  }

  /** The day a token names while it is valid; null for anything else. */
  dayOf(token: string): string | null {
    const match = /^(\d{4}-\d{2}-\d{2})\.(\d{1,15})\.([\w-]{43})$/.exec(token);
    if (!match) return null;
    const [, day, expires, mac] = match;
    const expected = Buffer.from(this.mac(`${day}.${expires}`));
    if (!timingSafeEqual(expected, Buffer.from(mac!))) return null;
    return Number(expires) > this.now().getTime() ? day! : null;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
