import { createHash } from 'node:crypto';
import type { PaymentSettings } from '../../application/ports/payment-settings.ts';
import type { SignType } from '../../application/ports/signature-verifier.ts';
import type { AlipayPublicKey } from './public-key.ts';

/**
 * A fingerprint of everything that decides whether a stored callback is accepted: Alipay's key (and
 * certificate SN), the algorithm, our app and seller. A replay under the same fingerprint comes to the same.
 */
export function callbackConfiguration(key: AlipayPublicKey, signType: SignType, settings: PaymentSettings): string {
  const decisive = [key.spkiPem.trim(), key.certificateSn ?? '', signType, settings.appId, settings.sellerId ?? ''];
  return createHash('sha256').update(JSON.stringify(decisive)).digest('hex');
}
