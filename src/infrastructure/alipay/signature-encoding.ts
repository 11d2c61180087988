const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical, padded base64 and not empty: anything else is refused before any decoder can be lenient with it. */
export function isBase64Signature(sign: string): boolean {
  return sign !== '' && BASE64.test(sign);
}
