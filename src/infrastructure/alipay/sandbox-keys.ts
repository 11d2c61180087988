import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type KeyPairFiles, writeRsaKeyPair } from './key-pair-files.ts';

/** The private half of the local sandbox's "Alipay" key; a real deployment can never hold Alipay's. */
const SANDBOX_PRIVATE_KEY_NAME = 'alipay_private_key.pem';

export function sandboxPrivateKeyBeside(publicKeyFile: string): string {
  return join(dirname(publicKeyFile), SANDBOX_PRIVATE_KEY_NAME);
}

/** Writes a fresh pair that stands in for Alipay's, for development only. */
export function generateSandboxAlipayKeys(publicKeyFile: string): KeyPairFiles {
  return writeRsaKeyPair({ publicKeyFile, privateKeyFile: sandboxPrivateKeyBeside(publicKeyFile) });
}

export function hasSandboxPrivateKey(publicKeyFile: string): boolean {
  return existsSync(sandboxPrivateKeyBeside(publicKeyFile));
}

/** The sandbox's stand-in for Alipay's private key, or null when there is none beside the public key. */
export function readSandboxPrivateKey(publicKeyFile: string): string | null {
  const file = sandboxPrivateKeyBeside(publicKeyFile);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Whether `spkiPem` is the public half of the sandbox's stand-in key kept beside `publicKeyFile`. */
export function isSandboxPublicKey(publicKeyFile: string, spkiPem: string): boolean {
  const pem = readSandboxPrivateKey(publicKeyFile);
  return pem !== null && isPublicHalfOf(pem, spkiPem);
}

/** Whether `spkiPem` is the public half of the private key `privatePem`. */
export function isPublicHalfOf(privatePem: string, spkiPem: string): boolean {
  const publicPem = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
  return publicPem.replace(/\r/g, '').trim() === spkiPem.replace(/\r/g, '').trim();
}
