import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/infrastructure/config.ts';
import { loadKeys, startServer } from '../../src/server.ts';
import { freshEnv } from '../support/fresh-env.ts';
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

describe('server start-up', () => {
  it('generates keys and places three demo orders on a fresh start, and none on a restart', async () => {
    const env = freshEnv();
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

  it("warns in plain words when Alipay's public key is the app's own", async () => {
    const env = freshEnv({ ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do' });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(join(env.APP_PRIVATE_KEY_FILE!, '..'), { recursive: true });
    writeFileSync(env.APP_PRIVATE_KEY_FILE!, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const captured = capturingLogger();
    const server = await startServer(
      loadConfig({ ...env, ALIPAY_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') }),
      captured.logger,
    );
    await server.close();
    const warning = captured.lines().find((line) => line.level === 40 && String(line.msg).includes('应用公钥'));
    assert.match(String(warning?.msg), /is your app's own public key \(应用公钥\), not Alipay's \(支付宝公钥\)/);
  });

  it("refuses in production to start with the app's own public key as Alipay's", () => {
    const env = freshEnv(PRODUCTION_ENV);
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(join(env.APP_PRIVATE_KEY_FILE!, '..'), { recursive: true });
    writeFileSync(env.APP_PRIVATE_KEY_FILE!, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const config = loadConfig({ ...env, ALIPAY_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') });
    assert.throws(
      () => loadKeys(config, pino({ level: 'silent' })),
      (error: unknown) => error instanceof ConfigError && error.variable === 'ALIPAY_PUBLIC_KEY' && /应用公钥/.test(error.message),
    );
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
