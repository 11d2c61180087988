import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const spkiPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const pkcs1Pem = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const bareBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const modulus = (text: string) => parseAlipayPublicKey(text).key.n.toString(16);
const expected = modulus(spkiPem);

function selfSignedCertificatePem(): string {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spkiPem);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2026-01-01');
  cert.validity.notAfter = new Date('2030-01-01');
  cert.setSubject([{ name: 'commonName', value: 'Alipay test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'Test root' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('parseAlipayPublicKey', () => {
  it("accepts the console's bare base64 line", () => {
    assert.ok(bareBase64.startsWith('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'));
    assert.equal(modulus(bareBase64), expected);
  });

  it('accepts SPKI PEM, wrapped or as one long line', () => {
    const oneLine = `-----BEGIN PUBLIC KEY-----${bareBase64}-----END PUBLIC KEY-----`;
    assert.equal(modulus(oneLine), expected);
    assert.equal(modulus(`\n  ${spkiPem}\n`), expected);
  });

  it('accepts PKCS#1 RSA PUBLIC KEY PEM', () => {
    assert.equal(modulus(pkcs1Pem), expected);
  });

  it("takes a certificate's public key", () => {
    const parsed = parseAlipayPublicKey(selfSignedCertificatePem());
    assert.equal(parsed.key.n.toString(16), expected);
    assert.ok(parsed.certificate);
  });

  it('always offers an SPKI PEM of the key', () => {
    assert.equal(parseAlipayPublicKey(pkcs1Pem).spkiPem.replace(/\r/g, ''), spkiPem);
  });

  it('refuses a private key with a message that says which key belongs there', () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => parseAlipayPublicKey(pem), /private key.*支付宝公钥/);
  });

  it('refuses text that is not a key', () => {
    for (const bad of ['', 'hello world', 'QUJD', '-----BEGIN PUBLIC KEY-----\nQUJD\n-----END PUBLIC KEY-----']) {
      assert.throws(() => parseAlipayPublicKey(bad), Error, JSON.stringify(bad));
    }
  });
});
