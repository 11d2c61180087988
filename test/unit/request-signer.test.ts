import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { forgeRequestSigner, nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;

describe('request signers', () => {
  for (const [name, make] of [
    ['node:crypto', nativeRequestSigner],
    ['node-forge', forgeRequestSigner],
  ] as const) {
    it(`${name} signs RSA2 that node:crypto verifies, over UTF-8 text`, () => {
      const content = 'app_id=1&biz_content={"subject":"美多商城"}&sign_type=RSA2';
      const signature = make(forgeKey).sign(content);
      assert.ok(verify('sha256', Buffer.from(content, 'utf8'), publicKey, Buffer.from(signature, 'base64')));
      assert.ok(!verify('sha256', Buffer.from(`${content}x`, 'utf8'), publicKey, Buffer.from(signature, 'base64')));
    });
  }

  it('gives the same signature either way (PKCS#1 v1.5 is deterministic)', () => {
    assert.equal(nativeRequestSigner(forgeKey).sign('a=1'), forgeRequestSigner(forgeKey).sign('a=1'));
    assert.equal(nativeRequestSigner(forgeKey, 'RSA').sign('a=1'), forgeRequestSigner(forgeKey, 'RSA').sign('a=1'));
  });

  for (const [name, make] of [
    ['node:crypto', nativeRequestSigner],
    ['node-forge', forgeRequestSigner],
  ] as const) {
    it(`${name} signs SHA1withRSA when the app is configured RSA, and says so`, () => {
      const signer = make(forgeKey, 'RSA');
      assert.equal(signer.signType, 'RSA');
      const signature = Buffer.from(signer.sign('a=1'), 'base64');
      assert.ok(verify('sha1', Buffer.from('a=1'), publicKey, signature));
      assert.ok(!verify('sha256', Buffer.from('a=1'), publicKey, signature));
    });
  }
});
