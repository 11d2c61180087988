import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KeyPairFiles {
  readonly privateKeyFile: string;
  readonly publicKeyFile: string;
}

/** Writes a fresh RSA-2048 pair (PKCS#8 and SPKI PEM); the private half readable by its owner only. */
export function writeRsaKeyPair(files: KeyPairFiles): KeyPairFiles {
  mkdirSync(dirname(files.privateKeyFile), { recursive: true });
  mkdirSync(dirname(files.publicKeyFile), { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(files.privateKeyFile, privateKey, { mode: 0o600 });
  writeFileSync(files.publicKeyFile, publicKey);
  return files;
}
