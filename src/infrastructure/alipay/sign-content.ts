import type { RawPair } from './form-decoding.ts';

const UNSIGNED = new Set(['sign', 'sign_type']);
const AMPERSAND = 0x26;
const EQUALS = 0x3d;

/**
 * Alipay's "V1" sign content: every parameter but sign and sign_type, empty values dropped, sorted
 * by key, joined as key=value with '&', over the exact received bytes (utf-8 or gbk alike).
 */
export function signContent(pairs: readonly RawPair[], exclude: ReadonlySet<string> = UNSIGNED): Uint8Array {
  const signed = pairs
    .filter(({ key, value }) => !exclude.has(key) && value.length > 0)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out = new Uint8Array(signed.reduce((sum, { keyBytes, value }) => sum + keyBytes.length + value.length + 2, 0));
  let offset = 0;
  for (const { keyBytes, value } of signed) {
    if (offset > 0) out[offset++] = AMPERSAND;
    out.set(keyBytes, offset);
    offset += keyBytes.length;
    out[offset++] = EQUALS;
    out.set(value, offset);
    offset += value.length;
  }
  // One '&' fewer than pairs.
  return out.subarray(0, offset);
}

/** Certificate mode: alipay_cert_sn may arrive unsigned, so we also try without it (ALIPAY.md §7). */
export function signContentCandidates(pairs: readonly RawPair[]): Uint8Array[] {
  const candidates = [signContent(pairs)];
  if (pairs.some(({ key }) => key === 'alipay_cert_sn')) {
    candidates.push(signContent(pairs, new Set([...UNSIGNED, 'alipay_cert_sn'])));
  }
  return candidates;
}
