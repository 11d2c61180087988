import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { startServer } from '../../src/bootstrap/server.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { APP_ID, createTestAlipay, newOrderId, notifyParams, returnParams } from '../support/alipay-signer.ts';
import { migratedEnv } from '../support/fresh-env.ts';

describe('logs', () => {
  it('never hold a signature or key material, however requests fail', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const alipay = createTestAlipay();
    const env = await migratedEnv({
      ALIPAY_APP_ID: APP_ID,
      ALIPAY_PUBLIC_KEY: alipay.publicKeyPem,
      ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do',
    });
    const server = await startServer(loadConfig(env), logger);
    const signs: string[] = [];
    const send = async (query: string, notify = false) => {
      signs.push(new URLSearchParams(query).get('sign') ?? '');
      await (notify
        ? fetch(`${server.url}/payment/notify/`, { method: 'POST', body: query })
        : fetch(`${server.url}/payment/status/?${query}`));
    };
    const orderId = newOrderId();
    await server.database.knex('tb_order_info').insert({ order_id: orderId, total_amount: '1.00', pay_method: 2, status: 1 });
    await send(alipay.signedQuery(returnParams(orderId, '1.00')));
    await send(alipay.signedQuery(returnParams(orderId, '2.00')));
    await send(createTestAlipay().signedQuery(returnParams(orderId, '1.00')));
    await send(alipay.signedQuery(returnParams(newOrderId(), '1.00')));
    await send(`${alipay.signedQuery(returnParams(orderId, '1.00'))}&sign=x`);
    await send(alipay.signedQuery(notifyParams(orderId, '1.00', 'TRADE_SUCCESS')), true);
    await server.close();

    const log = lines.join('');
    assert.ok(lines.length > 8, 'requests were logged');
    for (const sign of signs.filter((s) => s.length > 20)) assert.ok(!log.includes(sign.slice(0, 24)), 'a signature reached the log');
    assert.doesNotMatch(log, /PRIVATE KEY|PUBLIC KEY|MII[A-Za-z0-9+/]{20}/);
    assert.ok(!log.includes(readFileSync(env.APP_PRIVATE_KEY_FILE!, 'utf8').split('\n')[1]!.slice(0, 24)));
  });

  it('warn of each failed admin login with the client address, never the password offered', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const server = await startServer(loadConfig(await migratedEnv({ ADMIN_PASSWORD: 'the right admin password' })), logger);
    const offered = 'admin:a-guess-that-must-not-be-logged';
    const response = await fetch(`${server.url}/admin/payments`, {
      headers: { Authorization: `Basic ${Buffer.from(offered).toString('base64')}` },
    });
    await server.close();
    assert.equal(response.status, 401);
    const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'admin login failed');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].level, 40);
    assert.match(warnings[0].remoteAddress, /127\.0\.0\.1/);
    assert.ok(!lines.join('').includes('a-guess-that'));
    assert.ok(!lines.join('').includes(Buffer.from(offered).toString('base64').slice(0, 16)));
  });

  it('redact a sign or private key even when one is logged by mistake', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    logger.info({ sign: 'SECRET-1', callback: { sign: 'SECRET-2' }, privateKey: 'SECRET-3' }, 'oops');
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines.join(''), /SECRET/);
  });
});
