import type { RawPair } from './form-decoding.ts';

const UNSIGNED = new Set(['sign', 'sign_type']);
const encoder = new TextEncoder();

/**
 * Alipay's "V1" sign content: every parameter but sign and sign_type, empty values dropped, sorted
 * by key, joined as key=value with '&', over the exact received bytes (utf-8 or gbk alike).
 */
export function signContent(pairs: readonly RawPair[], exclude: ReadonlySet<string> = UNSIGNED): Uint8Array {
  const parts: Uint8Array[] = [];
  const signed = pairs
    .filter(({ key, value }) => !exclude.has(key) && value.length > 0)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  signed.forEach(({ key, value }, index) => {
    parts.push(encoder.encode(`${index === 0 ? '' : '&'}${key}=`), value);
  });
  return concat(parts);
}

/** Certificate mode: alipay_cert_sn may arrive unsigned, so we also try without it (ALIPAY.md §7). */
export function signContentCandidates(pairs: readonly RawPair[]): Uint8Array[] {
  const candidates = [signContent(pairs)];
  if (pairs.some(({ key }) => key === 'alipay_cert_sn')) {
    candidates.push(signContent(pairs, new Set([...UNSIGNED, 'alipay_cert_sn'])));
  }
  return candidates;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
