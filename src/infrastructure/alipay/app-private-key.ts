import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';
import { type Config, ConfigError } from '../config.ts';
import { type KeyPairFiles, writeRsaKeyPair } from './key-pair-files.ts';

export interface LoadedAppKey {
  readonly privateKey: forge.pki.rsa.PrivateKey;
  /** Our app's public key (应用公钥), as SPKI PEM: what the Alipay console (or the sandbox) holds. */
  readonly publicKeyPem: string;
  readonly generated?: KeyPairFiles;
}

/**
 * Loads our app's private key (应用私钥) for signing page-pay requests: PKCS#8 or PKCS#1, PEM or bare
 * base64. Outside production a missing file becomes a generated pair. @throws ConfigError
 */
export function loadAppPrivateKey(config: Config): LoadedAppKey {
  const file = config.alipay.appPrivateKeyFile;
  let generated: LoadedAppKey['generated'];
  if (!existsSync(file)) {
    if (config.production) {
      throw new ConfigError('APP_PRIVATE_KEY_FILE', `${file} does not exist; put your app's private key (应用私钥) there`);
    }
    generated = generateAppKeys(file);
  }
  let privateKey: forge.pki.rsa.PrivateKey;
  try {
    privateKey = parsePrivateKey(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('APP_PRIVATE_KEY_FILE', `${file} is not an RSA private key (${(error as Error).message})`);
  }
  return { privateKey, publicKeyPem: publicKeyPemOf(privateKey), generated };
}

/** Our app's public key (应用公钥) as SPKI PEM, from its private half. */
export function publicKeyPemOf(privateKey: forge.pki.rsa.PrivateKey): string {
  return forge.pki.publicKeyToPem(forge.pki.setRsaPublicKey(privateKey.n, privateKey.e));
}

function parsePrivateKey(text: string): forge.pki.rsa.PrivateKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return forge.pki.privateKeyFromPem(trimmed) as forge.pki.rsa.PrivateKey;
  // Alipay's key tool writes bare base64 of PKCS#8 or PKCS#1 DER; forge reads both.
  const der = forge.asn1.fromDer(forge.util.decode64(trimmed.replace(/\s+/g, '')));
  return forge.pki.privateKeyFromAsn1(der) as forge.pki.rsa.PrivateKey;
}

function generateAppKeys(privateKeyFile: string): KeyPairFiles {
  return writeRsaKeyPair({ privateKeyFile, publicKeyFile: join(dirname(privateKeyFile), 'app_public_key.pem') });
}
