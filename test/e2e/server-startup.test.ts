import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loadKeys } from '../../src/bootstrap/keys.ts';
import { startServer } from '../../src/bootstrap/server.ts';
import { ConfigError, loadConfig } from '../../src/infrastructure/config.ts';
import { freshEnv, migratedEnv } from '../support/fresh-env.ts';
import { PRODUCTION_ENV } from '../support/production-env.ts';

function capturingLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => lines.map((line) => JSON.parse(line)) };
}

function writeKey(env: Record<string, string>, pem: string): string {
  const file = join(env.APP_PRIVATE_KEY_FILE!, '..', 'alipay_public_key.pem');
  writeFileSync(file, pem);
  return file;
}

describe('server start-up', () => {
  it('generates keys and places three demo orders on a fresh start, and none on a restart', async () => {
    const env = await migratedEnv();
    const first = capturingLogger();
    const server = await startServer(loadConfig(env), first.logger);
    await server.close();
    const messages = first.lines().map((line) => line.msg);
    assert.ok(messages.some((m) => String(m).startsWith('generated a local sandbox Alipay key pair')));
    assert.ok(messages.some((m) => String(m).startsWith('generated an app key pair')));
    const placed = first.lines().find((line) => line.msg === 'placed demo orders for the demo shop');
    assert.equal((placed?.orders as string[] | undefined)?.length, 3);

    const second = capturingLogger();
    const again = await startServer(loadConfig(env), second.logger);
    await again.close();
    assert.ok(!second.lines().some((line) => line.msg === 'placed demo orders for the demo shop'));
    assert.ok(!second.lines().some((line) => String(line.msg).startsWith('generated')));
  });

  for (const [mode, extra] of [
    ['development', { ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do' }],
    ['production', PRODUCTION_ENV],
  ] as const) {
    it(`refuses in ${mode} to start with the app's own public key as Alipay's, naming both settings`, () => {
      const env = freshEnv(extra);
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      mkdirSync(join(env.APP_PRIVATE_KEY_FILE!, '..'), { recursive: true });
      writeFileSync(env.APP_PRIVATE_KEY_FILE!, privateKey.export({ type: 'pkcs1', format: 'pem' }));
      for (const [variable, setting] of [
        ['ALIPAY_PUBLIC_KEY', { ALIPAY_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') }],
        ['ALIPAY_PUBLIC_KEY_FILE', { ALIPAY_PUBLIC_KEY_FILE: writeKey(env, publicKey.export({ type: 'spki', format: 'pem' }).toString()) }],
      ] as const) {
        assert.throws(
          () => loadKeys(loadConfig({ ...env, ...setting }), pino({ level: 'silent' })),
          (error: unknown) =>
            error instanceof ConfigError &&
            error.variable === variable &&
            /APP_PRIVATE_KEY_FILE/.test(error.message) &&
            /应用公钥/.test(error.message),
        );
      }
    });
  }

  it("warns when Alipay's public key is shorter than 2048 bits", () => {
    const env = freshEnv({ ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do' });
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const captured = capturingLogger();
    loadKeys(loadConfig({ ...env, ALIPAY_PUBLIC_KEY: short }), captured.logger);
    const warning = captured.lines().find((line) => line.level === 40 && /shorter than 2048 bits/.test(String(line.msg)));
    assert.equal(warning?.bits, 1024);
  });

  it('refuses the sandbox gateway with an Alipay key that is not the sandbox key', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const env = freshEnv({ ALIPAY_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    await assert.rejects(
      startServer(loadConfig(env), pino({ level: 'silent' })),
      (error: unknown) => error instanceof ConfigError && error.variable === 'ALIPAY_GATEWAY',
    );
  });
});
