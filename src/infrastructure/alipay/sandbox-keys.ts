import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The private half of the local sandbox's "Alipay" key; a real deployment can never hold Alipay's. */
export const SANDBOX_PRIVATE_KEY_NAME = 'alipay_private_key.pem';

export function sandboxPrivateKeyBeside(publicKeyFile: string): string {
  return join(dirname(publicKeyFile), SANDBOX_PRIVATE_KEY_NAME);
}

/** Writes a fresh RSA-2048 pair that stands in for Alipay's, for development only. */
export function generateSandboxAlipayKeys(publicKeyFile: string): { publicKeyFile: string; privateKeyFile: string } {
  const privateKeyFile = sandboxPrivateKeyBeside(publicKeyFile);
  mkdirSync(dirname(publicKeyFile), { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey);
  return { publicKeyFile, privateKeyFile };
}

export function hasSandboxPrivateKey(publicKeyFile: string): boolean {
  return existsSync(sandboxPrivateKeyBeside(publicKeyFile));
}

/** The sandbox's stand-in for Alipay's private key, or null when there is none beside the public key. */
export function readSandboxPrivateKey(publicKeyFile: string): string | null {
  const file = sandboxPrivateKeyBeside(publicKeyFile);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}
