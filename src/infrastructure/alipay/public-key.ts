import forge from 'node-forge';

/** Alipay's public key, however the operator pasted it. */
export interface AlipayPublicKey {
  readonly key: forge.pki.rsa.PublicKey;
  /** SubjectPublicKeyInfo PEM, for any verifier. */
  readonly spkiPem: string;
  /** Present when the key came from a certificate (certificate mode). */
  readonly certificate?: forge.pki.Certificate;
  /** The certificate's SN, which Alipay sends as alipay_cert_sn (certificate mode only). */
  readonly certificateSn?: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Accepts the console's bare base64 (SPKI or PKCS#1 DER), a PUBLIC KEY or RSA PUBLIC KEY PEM
 * (wrapped or one long line) and an X.509 certificate. @throws Error that says what was wrong
 */
export function parseAlipayPublicKey(text: string): AlipayPublicKey {
  const trimmed = text.trim();
  const block = PEM_BLOCK.exec(trimmed);
  const label = block ? block[1]! : 'bare base64';
  if (/PRIVATE KEY/.test(label)) {
    throw new Error("is a private key; configure Alipay's public key (支付宝公钥) instead");
  }
  const body = (block ? block[2]! : trimmed).replace(/\s+/g, '');
  if (!BASE64.test(body)) throw new Error(`is neither PEM nor base64 (${label})`);
  let der: forge.asn1.Asn1;
  try {
    der = forge.asn1.fromDer(forge.util.decode64(body));
  } catch {
    throw new Error(`holds no readable DER (${label})`);
  }
  if (label === 'CERTIFICATE') {
    const certificate = forge.pki.certificateFromAsn1(der);
    const key = certificate.publicKey as forge.pki.rsa.PublicKey;
    return { key, spkiPem: forge.pki.publicKeyToPem(key), certificate, certificateSn: certificateSn(certificate) };
  }
  let key: forge.pki.rsa.PublicKey;
  try {
    key = forge.pki.publicKeyFromAsn1(der) as forge.pki.rsa.PublicKey;
  } catch {
    throw new Error(`is not an RSA public key (${label})`);
  }
  if (!key.n || !key.e) throw new Error(`is not an RSA public key (${label})`);
  return { key, spkiPem: forge.pki.publicKeyToPem(key) };
}

/** Alipay's certificate SN: md5 of the issuer DN in reverse RDN order, then the decimal serial. */
export function certificateSn(certificate: forge.pki.Certificate): string {
  const issuer = [...certificate.issuer.attributes]
    .reverse()
    .map((a) => `${a.shortName}=${a.value}`)
    .join(',');
  const serial = BigInt(`0x${certificate.serialNumber}`).toString(10);
  const md = forge.md.md5.create();
  md.update(issuer + serial, 'utf8');
  return md.digest().toHex();
}
