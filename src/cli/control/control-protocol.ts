import type { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { sameSecret } from '../../shared/same-secret.ts';

/**
 * The control endpoint's protocol: one JSON object per line each way. The CLI sends one request; the
 * server answers with lines of output as they are printed, then the exit code, and closes.
 */
export interface ControlRequest {
  readonly token: string;
  readonly command: string;
  readonly argv: readonly string[];
  /** What the CLI read on stdin, for a command that reads it; otherwise null. */
  readonly stdin: string | null;
}

export type ControlReply =
  | { readonly stdout: string }
  | { readonly stderr: string }
  | { readonly exit: number }
  /** Not run: a wrong token or a malformed request. */
  | { readonly refused: string };

/** A reply line (a command's --json result) may be long; a request carries a command line and perhaps a password. */
export const MAX_FRAME_CHARS = 1024 * 1024;
export const MAX_REQUEST_CHARS = 64 * 1024;

export const encodeFrame = (value: ControlRequest | ControlReply): string => `${JSON.stringify(value)}\n`;

/** Splits a byte stream into its lines' JSON values; UTF-8 split across chunks is kept whole. */
export class FrameReader {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly maxChars = MAX_FRAME_CHARS) {}

  /** The frames `chunk` completes. @throws Error when a line outgrows the limit or is not JSON */
  push(chunk: Buffer | string): unknown[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop()!;
    // Counted in characters, which is cheap on every chunk: a line held back costs at most three bytes each.
    if (this.pending.length > this.maxChars) throw new Error(`a line of over ${this.maxChars} characters`);
    return lines.map((line) => JSON.parse(line) as unknown);
  }
}

/** The request a frame holds, or null when it is not one. */
export function asRequest(frame: unknown): ControlRequest | null {
  const value = frame as Partial<ControlRequest> | null;
  const fits =
    typeof value === 'object' &&
    value !== null &&
    typeof value.token === 'string' &&
    typeof value.command === 'string' &&
    Array.isArray(value.argv) &&
    value.argv.every((arg) => typeof arg === 'string') &&
    (value.stdin === null || typeof value.stdin === 'string');
  return fits ? (value as ControlRequest) : null;
}

/** A new secret for one run of the server. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** In constant time: neither the length nor a prefix of the secret leaks. */
export const tokenMatches = sameSecret;
