import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import type { SignatureVerifier, SignType } from '../../src/application/ports/signature-verifier.ts';

export interface SignatureVerifierHarness {
  readonly name: string;
  create(publicKeyPem: string, signType: SignType): SignatureVerifier;
}

const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKeyPem = alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const signWith = (key: typeof alipay.privateKey, hash: string, content: Uint8Array) => sign(hash, content, key).toString('base64');

const utf8 = new Uint8Array(Buffer.from('out_trade_no=1&subject=美多商城订单&timestamp=2026-11-26 15:30:12&total_amount=3798.00', 'utf8'));
const gbk = new Uint8Array([0x73, 0x75, 0x62, 0x6a, 0x65, 0x63, 0x74, 0x3d, 0xc3, 0xc0, 0xb6, 0xe0]); // subject=美多 in GBK

export function describeSignatureVerifierContract(harness: SignatureVerifierHarness): void {
  describe(`SignatureVerifier contract: ${harness.name}`, () => {
    const rsa2 = harness.create(publicKeyPem, 'RSA2');
    const rsa = harness.create(publicKeyPem, 'RSA');

    it('reports the sign type it was pinned to', () => {
      assert.equal(rsa2.signType, 'RSA2');
      assert.equal(rsa.signType, 'RSA');
    });

    it('accepts an RSA2 signature over UTF-8 bytes with Chinese text', () => {
      assert.equal(rsa2.verify(utf8, signWith(alipay.privateKey, 'sha256', utf8)), true);
    });

    it('accepts a signature over the exact GBK bytes', () => {
      assert.equal(rsa2.verify(gbk, signWith(alipay.privateKey, 'sha256', gbk)), true);
    });

    it('accepts RSA (SHA1) only when pinned to RSA', () => {
      const sha1 = signWith(alipay.privateKey, 'sha1', utf8);
      assert.equal(rsa.verify(utf8, sha1), true);
      assert.equal(rsa2.verify(utf8, sha1), false);
      assert.equal(rsa.verify(utf8, signWith(alipay.privateKey, 'sha256', utf8)), false);
    });

    it('rejects a signature by another key', () => {
      assert.equal(rsa2.verify(utf8, signWith(stranger.privateKey, 'sha256', utf8)), false);
    });

    it('rejects content changed by one byte', () => {
      const signature = signWith(alipay.privateKey, 'sha256', utf8);
      const tampered = Uint8Array.from(utf8);
      tampered[tampered.length - 1] ^= 1;
      assert.equal(rsa2.verify(tampered, signature), false);
    });

    it('returns false, never throws, for empty, garbage, truncated or padded signatures', () => {
      const good = signWith(alipay.privateKey, 'sha256', utf8);
      for (const bad of [
        '',
        '%%%not-base64!!',
        'AAAA',
        good.slice(0, 100),
        `${good}AAAA`,
        good.replace(/=+$/, ''),
        ` ${good}`,
        'A'.repeat(100_000),
      ]) {
        assert.equal(rsa2.verify(utf8, bad), false, JSON.stringify(bad.slice(0, 20)));
      }
    });
  });
}
