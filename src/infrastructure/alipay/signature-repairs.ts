import { Buffer } from 'node:buffer';
import type { SignatureDiagnosis } from '../../application/ports/signature-doctor.ts';
import { decodeForm, type RawPair } from './form-decoding.ts';
import { signContent } from './sign-content.ts';

/** A way the message Alipay signed may have been damaged on its way here, undone. */
export interface Repair {
  readonly diagnosis: Extract<SignatureDiagnosis, 'plus_became_space' | 'html_escaped' | 'sign_type_signed' | 'empty_values_signed'>;
  readonly sign: string;
  /** The text to verify: what Alipay signed, if this was the damage. */
  readonly content: Uint8Array;
  /** The message as received with the damage undone, when the fields themselves were damaged. */
  readonly repairedRaw?: Uint8Array;
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#39;': "'" };
const ENTITY = /&(?:quot|amp|lt|gt|#39);/g;

/**
 * Only the repairs that can apply to this message, so that a forgery costs a few verifications:
 * a sign with spaces, values with HTML entities, a sign_type present, empty values present. In
 * certificate mode each is tried with and without alipay_cert_sn, which Alipay may leave unsigned.
 */
export function repairsOf(raw: Uint8Array, sign: string): Repair[] {
  const pairs = decodeForm(raw);
  const withoutCertSn = pairs.filter(({ key }) => key !== 'alipay_cert_sn');
  const signedSets = withoutCertSn.length < pairs.length ? [pairs, withoutCertSn] : [pairs];
  return signedSets.flatMap((signed) => repairsFor(signed, sign, pairs));
}

/** `signed`: the pairs Alipay may have signed; `all`: every pair received, which a repaired message keeps. */
function repairsFor(signed: readonly RawPair[], sign: string, all: readonly RawPair[]): Repair[] {
  const repairs: Repair[] = [];
  if (sign.includes(' ')) repairs.push({ diagnosis: 'plus_became_space', sign: sign.replaceAll(' ', '+'), content: signContent(signed) });
  const htmlUnescaped = (pairs: readonly RawPair[]) => pairs.map((pair) => ({ ...pair, value: unescapeHtml(pair.value) }));
  const unescaped = htmlUnescaped(signed);
  if (unescaped.some((pair, i) => pair.value !== signed[i]!.value)) {
    repairs.push({ diagnosis: 'html_escaped', sign, content: signContent(unescaped), repairedRaw: encodeForm(htmlUnescaped(all)) });
  }
  if (signed.some(({ key }) => key === 'sign_type')) {
    repairs.push({ diagnosis: 'sign_type_signed', sign, content: signContent(signed, { exclude: new Set(['sign']) }) });
  }
  if (signed.some(({ key, value }) => key !== 'sign' && key !== 'sign_type' && value.length === 0)) {
    repairs.push({ diagnosis: 'empty_values_signed', sign, content: signContent(signed, { keepEmpty: true }) });
  }
  return repairs;
}

/** The value's bytes with the five entities an HTML escaper writes turned back; the same array when there are none. */
function unescapeHtml(value: Uint8Array): Uint8Array {
  const text = Buffer.from(value).toString('latin1');
  if (!text.includes('&')) return value;
  const unescaped = text.replace(ENTITY, (entity) => ENTITIES[entity]!);
  if (unescaped === text) return value;
  return new Uint8Array(Buffer.from(unescaped, 'latin1'));
}

/** Form-encodes pairs byte for byte, so that parsing the result gives exactly these bytes back. */
function encodeForm(pairs: readonly RawPair[]): Uint8Array {
  const percentEncoded = (bytes: Uint8Array) => Array.from(bytes, (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  return new TextEncoder().encode(pairs.map(({ keyBytes, value }) => `${percentEncoded(keyBytes)}=${percentEncoded(value)}`).join('&'));
}
