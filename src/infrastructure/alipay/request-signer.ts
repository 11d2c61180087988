import { Buffer } from 'node:buffer';
import { createPrivateKey, sign } from 'node:crypto';
import forge from 'node-forge';
import type { SignType } from '../../application/ports/signature-verifier.ts';

/**
 * Signs our own requests to Alipay with our app's private key, as base64: SHA256withRSA for RSA2,
 * SHA1withRSA for RSA, as ALIPAY_SIGN_TYPE configures the app (Alipay then answers the same way).
 */
export interface RequestSigner {
  readonly signType: SignType;
  sign(content: string): string;
}

const HASHES: Record<SignType, 'sha256' | 'sha1'> = { RSA2: 'sha256', RSA: 'sha1' };

/** OpenSSL through node:crypto: well under a millisecond of CPU, where forge spends tens on the event loop. */
export function nativeRequestSigner(privateKey: forge.pki.rsa.PrivateKey, signType: SignType = 'RSA2'): RequestSigner {
  const key = createPrivateKey(forge.pki.privateKeyToPem(privateKey));
  return { signType, sign: (content) => sign(HASHES[signType], Buffer.from(content, 'utf8'), key).toString('base64') };
}

export function forgeRequestSigner(privateKey: forge.pki.rsa.PrivateKey, signType: SignType = 'RSA2'): RequestSigner {
  return {
    signType,
    sign(content) {
      const md = forge.md[HASHES[signType]].create();
      md.update(content, 'utf8');
      return forge.util.encode64(privateKey.sign(md));
    },
  };
}
