import { Buffer } from 'node:buffer';
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { ApplicationError } from '../../application/errors.ts';
import type { AlipayCallbackParser } from '../../application/ports/alipay-callback-parser.ts';
import type { AlipayMessage } from '../../application/ports/alipay-message.ts';
import type { Diagnosis, SignatureDoctor } from '../../application/ports/signature-doctor.ts';
import type { SignatureVerifier } from '../../application/ports/signature-verifier.ts';
import { TOKENS } from '../../application/tokens.ts';
import { INFRA } from '../tokens.ts';
import type { AlipayPublicKey } from './public-key.ts';
import { isBase64Signature } from './signature-encoding.ts';
import { repairsOf } from './signature-repairs.ts';

/**
 * Runs only after a signature failed. A repair is accepted only when the repaired text verifies under
 * the configured key and algorithm: then the signature proves what Alipay signed. The wrong key or the
 * other algorithm is named, never accepted.
 */
@injectable()
export class AlipaySignatureDoctor implements SignatureDoctor {
  private readonly appKey: KeyObject;
  private readonly alipayKey: KeyObject;

  constructor(
    @inject(TOKENS.SignatureVerifier) private readonly verifier: SignatureVerifier,
    @inject(TOKENS.AlipayCallbackParser) private readonly parser: AlipayCallbackParser,
    @inject(INFRA.AlipayPublicKey) alipayPublicKey: AlipayPublicKey,
    @inject(INFRA.AppPublicKeyPem) appPublicKeyPem: string,
  ) {
    this.alipayKey = createPublicKey(alipayPublicKey.spkiPem);
    this.appKey = createPublicKey(appPublicKeyPem);
  }

  diagnose(callback: AlipayMessage): Diagnosis {
    const pinned = this.verifier.signType === 'RSA2' ? 'sha256' : 'sha1';
    const claimsOther = callback.signType !== undefined && callback.signType !== this.verifier.signType;
    if (!claimsOther) {
      for (const repair of repairsOf(callback.raw, callback.sign)) {
        if (!this.verifier.verify(repair.content, repair.sign)) continue;
        const repaired = repair.repairedRaw === undefined ? callback : this.reparse(repair.repairedRaw);
        if (repaired === null) continue;
        return { diagnosis: repair.diagnosis, repaired: { ...repaired, sign: repair.sign, signedContents: [repair.content] } };
      }
    }
    if (verifiesWith(this.appKey, pinned, callback)) return { diagnosis: 'signed_by_app_key' };
    if (verifiesWith(this.alipayKey, pinned === 'sha256' ? 'sha1' : 'sha256', callback)) return { diagnosis: 'other_sign_type' };
    return { diagnosis: 'unknown_key' };
  }

  /** The fields as Alipay signed them; null when that message is itself unusable (a folded field, say). */
  private reparse(repairedRaw: Uint8Array): AlipayMessage | null {
    try {
      return this.parser.parse(repairedRaw);
    } catch (error) {
      if (error instanceof ApplicationError) return null;
      throw error;
    }
  }
}

function verifiesWith(key: KeyObject, hash: string, { sign, signedContents }: AlipayMessage): boolean {
  if (!isBase64Signature(sign)) return false;
  const signature = Buffer.from(sign, 'base64');
  return signedContents.some((content) => {
    try {
      return verify(hash, content, key, signature);
    } catch {
      return false;
    }
  });
}
