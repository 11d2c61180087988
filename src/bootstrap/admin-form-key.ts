import type { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import forge from 'node-forge';

/**
 * The key of the back office's form tokens. Every worker and every instance has the app's private key,
 * so each derives the same key and checks the others' tokens without shared state; the key says nothing
 * of the private key it comes from.
 */
export function adminFormKey(appPrivateKey: forge.pki.rsa.PrivateKey): Buffer {
  return createHmac('sha256', forge.pki.privateKeyToPem(appPrivateKey)).update('meiduo-payment admin form tokens').digest();
}
