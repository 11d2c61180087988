import { inject, injectable } from 'inversify';
import forge from 'node-forge';
import type { SignatureVerifier, SignType } from '../../application/ports/signature-verifier.ts';
import { INFRA } from '../tokens.ts';
import type { AlipayPublicKey } from './public-key.ts';
import { isBase64Signature } from './signature-encoding.ts';

/** RSA PKCS#1 v1.5 verification in pure JavaScript. */
@injectable()
export class ForgeSignatureVerifier implements SignatureVerifier {
  private readonly key: forge.pki.rsa.PublicKey;

  constructor(
    @inject(INFRA.AlipayPublicKey) publicKey: AlipayPublicKey,
    @inject(INFRA.SignType) readonly signType: SignType,
  ) {
    this.key = publicKey.key;
  }

  verify(content: Uint8Array, sign: string): boolean {
    if (!isBase64Signature(sign)) return false;
    const md = this.signType === 'RSA2' ? forge.md.sha256.create() : forge.md.sha1.create();
    // A binary string of the exact bytes: forge's default would re-encode non-ASCII text.
    md.update(forge.util.binary.raw.encode(content));
    try {
      return this.key.verify(md.digest().bytes(), forge.util.decode64(sign));
    } catch {
      return false; // forge throws on malformed signatures; the port promises a boolean
    }
  }
}
