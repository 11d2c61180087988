import { Buffer } from 'node:buffer';
import { createPrivateKey, createPublicKey, type KeyObject, randomInt, sign, verify } from 'node:crypto';

export type SandboxSignType = 'RSA2' | 'RSA';

const hashOf = (signType: SandboxSignType) => (signType === 'RSA2' ? 'sha256' : 'sha1');

function content(params: Record<string, string>, exclude: readonly string[]): Buffer {
  const text = Object.keys(params)
    .filter((key) => !exclude.includes(key) && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  return Buffer.from(text, 'utf8');
}

/** A merchant's request is signed over everything but `sign` (sign_type included). */
export function verifyMerchantRequest(params: Record<string, string>, appPublicKey: KeyObject): boolean {
  if (!params.sign) return false;
  try {
    return verify(
      hashOf(params.sign_type === 'RSA' ? 'RSA' : 'RSA2'),
      content(params, ['sign']),
      appPublicKey,
      Buffer.from(params.sign, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Alipay signs its returns and notifies without `sign` and `sign_type`, then appends both. */
export function signCallback(
  params: Record<string, string>,
  alipayPrivateKey: KeyObject,
  signType: SandboxSignType,
): Record<string, string> {
  const signature = sign(hashOf(signType), content(params, ['sign', 'sign_type']), alipayPrivateKey).toString('base64');
  return { ...params, sign: signature, sign_type: signType };
}

/** Alipay signs an OpenAPI response over the exact UTF-8 text of its `xxx_response` object. */
export function signResponseText(text: string, alipayPrivateKey: KeyObject, signType: SandboxSignType): string {
  return sign(hashOf(signType), Buffer.from(text, 'utf8'), alipayPrivateKey).toString('base64');
}

export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function loadPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Alipay's trade_no shape: yyyyMMdd, 22001, then 15 digits (28 in all). */
export function newTradeNo(beijingDate: string): string {
  let digits = '';
  for (let i = 0; i < 15; i++) digits += String(randomInt(10));
  return `${beijingDate}22001${digits}`;
}
