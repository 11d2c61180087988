import { Buffer } from 'node:buffer';
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Passwords } from '../application/ports/passwords.ts';

// OWASP's scrypt floor (N=2^17, r=8, p=1) costs 128 MiB per hash; 2^15 keeps a sign-in under 200 ms on
// one core of a small machine (182 ms here: npm run bench:crypto) and within 32 MiB, while each guess still costs an attacker that.
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;
const PREFIX = 'scrypt$15$8$1$';

// scrypt runs on libuv's pool (4 threads), which file access and the rest of node:crypto share: a burst of
// guesses, each paid in full before it counts as a failure, must not take every thread from them.
const AT_ONCE = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function derive(password: string, salt: Buffer): Promise<Buffer> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize('NFC'), salt, KEY_BYTES, COST, (error, key) => (error ? reject(error) : resolve(key))),
    );
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const VERIFIED_KEPT = 256;

/**
 * scrypt hashes as `scrypt$15$8$1$<salt>$<key>` (base64url), checked in constant time. Scripts send HTTP
 * Basic with every request: a password already found right for a hash is remembered (as an HMAC under a
 * key of this process), so that a CSV export does not pay scrypt per request. A wrong one always pays it.
 */
export class ScryptPasswords implements Passwords {
  private readonly memoKey = randomBytes(32);
  private readonly verified = new Set<string>();

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    return `${PREFIX}${salt.toString('base64url')}$${(await derive(password, salt)).toString('base64url')}`;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (!hash.startsWith(PREFIX)) return false;
    const memo = createHmac('sha256', this.memoKey).update(`${hash}\n${password}`).digest('base64url');
    if (this.verified.has(memo)) return true;
    const [salt, key] = hash.slice(PREFIX.length).split('$');
    const expected = Buffer.from(key ?? '', 'base64url');
    if (salt === undefined || expected.length !== KEY_BYTES) return false;
    if (!timingSafeEqual(await derive(password, Buffer.from(salt, 'base64url')), expected)) return false;
    if (this.verified.size >= VERIFIED_KEPT) this.verified.clear();
    this.verified.add(memo);
    return true;
  }

  generate(): string {
    // 18 random bytes: 144 bits, 24 characters that survive copy and paste.
    return randomBytes(18).toString('base64url');
  }
}
