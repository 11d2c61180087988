import type { RawPair } from './form-decoding.ts';

const UNSIGNED = new Set(['sign', 'sign_type']);
const AMPERSAND = 0x26;
const EQUALS = 0x3d;

/**
 * Alipay's "V1" sign content: every parameter but sign and sign_type, empty values dropped, sorted
 * by key, joined as key=value with '&', over the exact received bytes (utf-8 or gbk alike).
 */
export function signContent(
  pairs: readonly RawPair[],
  { exclude = UNSIGNED, keepEmpty = false }: { exclude?: ReadonlySet<string>; keepEmpty?: boolean } = {},
): Uint8Array {
  const signed = pairs
    .filter(({ key, value }) => !exclude.has(key) && (keepEmpty || value.length > 0))
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

/** Certificate mode: alipay_cert_sn may arrive unsigned, so we also try without it (docs/alipay.md, "Certificate mode"). */
export function signContentCandidates(pairs: readonly RawPair[]): Uint8Array[] {
  const candidates = [signContent(pairs)];
  if (pairs.some(({ key }) => key === 'alipay_cert_sn')) {
    candidates.push(signContent(pairs, { exclude: new Set([...UNSIGNED, 'alipay_cert_sn']) }));
  }
  return candidates;
}

/**
 * The sign content joins `key=value` with '&' unescaped, so one signature fits every message whose
 * pairs concatenate to the same text: a refund notify's `&gmt_refund=…` folded into the value before
 * it signs the same bytes as the real thing. Only a message whose sign content splits back into
 * exactly its own pairs is taken. Byte-level, so GBK (whose trail bytes are all above '=') is safe.
 * @returns why the message's signed text is ambiguous, or null
 */
export function ambiguityOf(pairs: readonly RawPair[]): string | null {
  for (const { key, keyBytes, value } of pairs) {
    if (keyBytes.includes(AMPERSAND) || keyBytes.includes(EQUALS))
      return `parameter name ${JSON.stringify(key.slice(0, 40))} holds '&' or '='`;
    if (holdsFoldedPair(value)) {
      return `parameter ${JSON.stringify(key.slice(0, 40))} holds '&name=': its signed text would read as other parameters`;
    }
  }
  return null;
}

/** `&`, then one or more bytes that are neither '&' nor '=', then '=': a pair hidden in a value. */
function holdsFoldedPair(value: Uint8Array): boolean {
  for (let i = value.indexOf(AMPERSAND); i !== -1; i = value.indexOf(AMPERSAND, i + 1)) {
    let j = i + 1;
    while (j < value.length && value[j] !== AMPERSAND && value[j] !== EQUALS) j++;
    if (j > i + 1 && value[j] === EQUALS) return true;
  }
  return false;
}
