import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import forge from 'node-forge';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { MemoryTables, type RunningApp, startTestApp } from '../support/test-app.ts';

const vectors = new URL('../fixtures/alipay-vectors/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, vectors), 'utf8').trim();

/** A stand-in for alipayCertPublicKey_RSA2.crt: the vectors' Alipay key, issued by a made-up root. */
function alipayCertificatePem(): string {
  const issuerKeys = forge.pki.rsa.generateKeyPair({ bits: 1024 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(read('alipay_public_key.pem'));
  cert.serialNumber = '2a6f1c3e9b';
  cert.validity.notBefore = new Date('2026-01-01');
  cert.validity.notAfter = new Date('2031-01-01');
  cert.setSubject([{ name: 'commonName', value: '2088000000000002' }]);
  cert.setIssuer([
    { name: 'countryName', value: 'CN' },
    { name: 'organizationName', value: 'Ant Financial' },
    { name: 'organizationalUnitName', value: 'Certification Authority' },
    { name: 'commonName', value: 'Ant Financial Certification Authority Class 1 R1' },
  ]);
  cert.sign(issuerKeys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('certificate mode', () => {
  const pem = alipayCertificatePem();
  const tables = new MemoryTables();
  let app: RunningApp;
  before(async () => {
    app = await startTestApp({ memory: tables.store, alipayPublicKeyPem: pem });
    tables.seedOrder('20261126153000000000001', '3798.00');
  });
  after(() => app.close());

  it("computes the certificate's SN as Alipay does: md5(issuer DN reversed + decimal serial)", () => {
    const x509 = new X509Certificate(pem);
    const issuer = x509.issuer.split('\n').reverse().join(',');
    const expected = createHash('md5')
      .update(issuer + BigInt(`0x${x509.serialNumber}`).toString(10))
      .digest('hex');
    assert.equal(parseAlipayPublicKey(pem).certificateSn, expected);
    assert.equal(issuer, 'CN=Ant Financial Certification Authority Class 1 R1,OU=Certification Authority,O=Ant Financial,C=CN');
  });

  it('verifies a return whose alipay_cert_sn was not signed, by trying again without it', async () => {
    const response = await app.get(`/payment/status/?${read('return-cert-sn-unsigned.txt')}`);
    assert.equal(response.status, 200);
  });
});
