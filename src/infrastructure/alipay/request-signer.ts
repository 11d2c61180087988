import { Buffer } from 'node:buffer';
import { createPrivateKey, sign } from 'node:crypto';
import forge from 'node-forge';

/** Signs our own requests to Alipay, SHA256withRSA (RSA2) with our app's private key, as base64. */
export interface RequestSigner {
  sign(content: string): string;
}

/** OpenSSL through node:crypto: well under a millisecond of CPU, where forge spends tens on the event loop. */
export function nativeRequestSigner(privateKey: forge.pki.rsa.PrivateKey): RequestSigner {
  const key = createPrivateKey(forge.pki.privateKeyToPem(privateKey));
  return { sign: (content) => sign('sha256', Buffer.from(content, 'utf8'), key).toString('base64') };
}

export function forgeRequestSigner(privateKey: forge.pki.rsa.PrivateKey): RequestSigner {
  return {
    sign(content) {
      const md = forge.md.sha256.create();
      md.update(content, 'utf8');
      return forge.util.encode64(privateKey.sign(md));
    },
  };
}
