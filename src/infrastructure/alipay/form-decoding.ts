import { MalformedCallback } from '../../application/errors.ts';

export interface RawPair {
  readonly key: string;
  /** The value's bytes after exactly one form-decoding: '+' is a space and %XX is a byte. */
  readonly value: Uint8Array;
}

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;
const utf8 = new TextDecoder();

/**
 * Splits application/x-www-form-urlencoded bytes into pairs, decoding each once at the byte level
 * so that any charset survives. A repeated key is an attack, not data. @throws MalformedCallback
 */
export function decodeForm(raw: Uint8Array): RawPair[] {
  const pairs: RawPair[] = [];
  const seen = new Set<string>();
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(AMPERSAND, start);
    if (end === -1) end = raw.length;
    if (end > start) {
      const segment = raw.subarray(start, end);
      const equals = segment.indexOf(EQUALS);
      const keyBytes = percentDecode(equals === -1 ? segment : segment.subarray(0, equals));
      const key = utf8.decode(keyBytes);
      if (seen.has(key)) throw new MalformedCallback(`parameter ${JSON.stringify(key.slice(0, 40))} appears twice`);
      seen.add(key);
      pairs.push({ key, value: equals === -1 ? new Uint8Array(0) : percentDecode(segment.subarray(equals + 1)) });
    }
    start = end + 1;
  }
  return pairs;
}

function percentDecode(input: Uint8Array): Uint8Array {
  // Most of Alipay's values need no decoding at all: share the bytes instead of copying them.
  if (input.indexOf(PERCENT) === -1 && input.indexOf(PLUS) === -1) return input;
  const out = new Uint8Array(input.length);
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === PLUS) {
      out[length++] = SPACE;
    } else if (byte === PERCENT) {
      const high = hexValue(input[i + 1]);
      const low = hexValue(input[i + 2]);
      if (high < 0 || low < 0) throw new MalformedCallback('a % escape is not followed by two hex digits');
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}
