import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadAlipayKey } from '../../src/infrastructure/alipay/alipay-key-loader.ts';
import { ConfigError, loadConfig } from '../../src/infrastructure/config.ts';
import { PRODUCTION_ENV } from '../support/production-env.ts';
import { testTempDir } from '../support/temp-dir.ts';

const PRODUCTION = PRODUCTION_ENV;
const spki = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const freshDir = () => testTempDir('meiduo-keys-');
const isConfigError = (variable: string, pattern: RegExp) => (error: unknown) =>
  error instanceof ConfigError && error.variable === variable && pattern.test(error.message);

describe('loadAlipayKey', () => {
  it('generates a sandbox pair outside production when the key file is missing', () => {
    const file = join(freshDir(), 'keys', 'alipay_public_key.pem');
    const loaded = loadAlipayKey(loadConfig({ ALIPAY_PUBLIC_KEY_FILE: file }));
    assert.deepEqual(loaded.generated, { publicKeyFile: file, privateKeyFile: join(file, '..', 'alipay_private_key.pem') });
    assert.equal(statSync(loaded.generated!.privateKeyFile).mode & 0o777, 0o600);
    assert.match(loaded.publicKey.spkiPem, /BEGIN PUBLIC KEY/);
    assert.equal(loadAlipayKey(loadConfig({ ALIPAY_PUBLIC_KEY_FILE: file })).generated, undefined);
  });

  it('refuses to start in production without the key file, and generates nothing', () => {
    const file = join(freshDir(), 'alipay_public_key.pem');
    assert.throws(
      () => loadAlipayKey(loadConfig({ ...PRODUCTION, ALIPAY_PUBLIC_KEY_FILE: file })),
      isConfigError('ALIPAY_PUBLIC_KEY_FILE', /does not exist/),
    );
    assert.equal(existsSync(file), false);
  });

  it('refuses sandbox keys in production', () => {
    const file = join(freshDir(), 'alipay_public_key.pem');
    loadAlipayKey(loadConfig({ ALIPAY_PUBLIC_KEY_FILE: file }));
    assert.throws(
      () => loadAlipayKey(loadConfig({ ...PRODUCTION, ALIPAY_PUBLIC_KEY_FILE: file })),
      isConfigError('ALIPAY_PUBLIC_KEY_FILE', /sandbox/),
    );
  });

  it('accepts a real key file in production', () => {
    const file = join(freshDir(), 'alipay_public_key.pem');
    writeFileSync(file, spki());
    assert.ok(loadAlipayKey(loadConfig({ ...PRODUCTION, ALIPAY_PUBLIC_KEY_FILE: file })).publicKey.key);
  });

  it('prefers ALIPAY_PUBLIC_KEY over the file', () => {
    const pem = spki();
    const loaded = loadAlipayKey(loadConfig({ ALIPAY_PUBLIC_KEY: pem, ALIPAY_PUBLIC_KEY_FILE: '/nonexistent/key.pem' }));
    assert.equal(loaded.publicKey.spkiPem.replace(/\r/g, ''), pem);
    assert.equal(loaded.generated, undefined);
  });

  it('names the variable when the key cannot be read as a key', () => {
    const file = join(freshDir(), 'alipay_public_key.pem');
    writeFileSync(file, 'not a key');
    assert.throws(() => loadAlipayKey(loadConfig({ ALIPAY_PUBLIC_KEY_FILE: file })), isConfigError('ALIPAY_PUBLIC_KEY_FILE', /PEM|DER/));
    assert.throws(() => loadAlipayKey(loadConfig({ ALIPAY_PUBLIC_KEY: 'QUJD' })), isConfigError('ALIPAY_PUBLIC_KEY', /DER|RSA/));
  });
});
