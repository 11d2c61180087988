import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** Our app's key pair, made at run time: the private half signs our requests, the public half checks them. */
export const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const appPrivateKey = forge.pki.privateKeyFromPem(
  appKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
) as forge.pki.rsa.PrivateKey;
export const appPublicKeyPem = appKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
