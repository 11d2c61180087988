import { MalformedCallback } from '../../application/errors.ts';

export interface RawPair {
  readonly key: string;
  /** The key's bytes after one form-decoding, as signed. */
  readonly keyBytes: Uint8Array;
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
  let equals = -1;
  // Every request goes through here: one pass over the bytes, no copy where nothing is escaped.
  for (let i = 0; i <= raw.length; i++) {
    const byte = i === raw.length ? AMPERSAND : raw[i];
    if (byte === EQUALS && equals === -1) {
      equals = i;
    } else if (byte === AMPERSAND) {
      if (i > start) {
        const keyBytes = percentDecode(raw.subarray(start, equals === -1 ? i : equals));
        const key = decodeUtf8(keyBytes);
        if (seen.has(key)) throw new MalformedCallback(`parameter ${JSON.stringify(key.slice(0, 40))} appears twice`);
        seen.add(key);
        pairs.push({ key, keyBytes, value: equals === -1 ? new Uint8Array(0) : percentDecode(raw.subarray(equals + 1, i)) });
      }
      start = i + 1;
      equals = -1;
    }
  }
  return pairs;
}

/** UTF-8 text; short ASCII, which is nearly every key and value, without a call into the runtime. */
export function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length > 64) return utf8.decode(bytes);
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return utf8.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

function percentDecode(input: Uint8Array): Uint8Array {
  let first = 0;
  while (first < input.length && input[first] !== PERCENT && input[first] !== PLUS) first++;
  // Most of Alipay's values need no decoding at all: share the bytes instead of copying them.
  if (first === input.length) return input;
  const out = new Uint8Array(input.length);
  out.set(input.subarray(0, first));
  let length = first;
  for (let i = first; i < input.length; i++) {
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
