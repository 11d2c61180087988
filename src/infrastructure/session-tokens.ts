import { createHash, randomBytes } from 'node:crypto';

/** A new session's secret: 256 random bits, as the browser's cookie carries it. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

/** What a store keeps of a token: its SHA-256, so that a copy of the sessions table signs no one in. */
export const sessionDigest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
