import { Buffer } from 'node:buffer';
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { SignatureVerifier, SignType } from '../../application/ports/signature-verifier.ts';
import { INFRA } from '../tokens.ts';
import type { AlipayPublicKey } from './public-key.ts';
import { isBase64Signature } from './signature-encoding.ts';

/** RSA PKCS#1 v1.5 verification by the runtime's own crypto (OpenSSL on Node): ~25× node-forge. */
@injectable()
export class NativeSignatureVerifier implements SignatureVerifier {
  private readonly key: KeyObject;
  private readonly hash: string;

  constructor(
    @inject(INFRA.AlipayPublicKey) publicKey: AlipayPublicKey,
    @inject(INFRA.SignType) readonly signType: SignType,
  ) {
    this.key = createPublicKey(publicKey.spkiPem);
    this.hash = signType === 'RSA2' ? 'sha256' : 'sha1';
  }

  verify(content: Uint8Array, sign: string): boolean {
    if (!isBase64Signature(sign)) return false;
    try {
      return verify(this.hash, content, this.key, Buffer.from(sign, 'base64'));
    } catch {
      return false;
    }
  }
}
