import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Knex } from 'knex';
import forge from 'node-forge';
import pino from 'pino';
import { wiringFor } from '../../src/bootstrap/wiring.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createTestAlipay } from '../support/alipay-signer.ts';
import { PRODUCTION_ENV } from '../support/production-env.ts';

const alipayKey = { publicKey: parseAlipayPublicKey(createTestAlipay().publicKeyPem) };
const pair = forge.pki.rsa.generateKeyPair({ bits: 1024 });
const appKey = { privateKey: pair.privateKey, publicKeyPem: forge.pki.publicKeyToPem(pair.publicKey) };
const knex = {} as Knex;
const logger = pino({ level: 'silent' });
const inputs = { knex, logger, alipayKey, appKey, publicUrl: 'https://pay.example.com', adminPassword: 'secret' };

describe('wiringFor', () => {
  it('builds the callback URLs from the public address and takes every setting from the configuration', () => {
    const config = loadConfig({
      ALIPAY_GATEWAY: 'https://openapi.alipay.com/gateway.do',
      ALIPAY_APP_ID: '2021000000000002',
      ALIPAY_SELLER_ID: '2088000000000002',
      ORDER_STATUS_AFTER_PAYMENT: 'UNSEND',
      SIGNATURE_VERIFIER: 'forge',
      REPOSITORIES: 'objection',
      TRUSTED_PROXIES: '10.0.0.0/8',
      ADMIN_USER: 'staff',
    });
    const wiring = wiringFor({ ...inputs, config, sandboxAlipayKeyPem: null });
    assert.deepEqual(wiring.pay, {
      appId: '2021000000000002',
      gatewayUrl: 'https://openapi.alipay.com/gateway.do',
      returnUrl: 'https://pay.example.com/payment/status/',
      notifyUrl: 'https://pay.example.com/payment/notify/',
      quitUrl: null,
      payTimeoutMs: 30 * 60_000,
    });
    assert.deepEqual(wiring.settings, { appId: '2021000000000002', sellerId: '2088000000000002', statusAfterPayment: OrderStatus.UNSEND });
    assert.deepEqual([wiring.signatureVerifier, wiring.repositories, wiring.production], ['forge', 'objection', false]);
    assert.deepEqual(wiring.trustedProxies, ['10.0.0.0/8']);
    assert.deepEqual(wiring.admin, { user: 'staff', password: 'secret' });
    assert.equal(wiring.sandbox, undefined);
    assert.equal(wiring.appPrivateKey, appKey.privateKey);
  });

  it('points page-pay at the local sandbox, and mounts it, only when it has the sandbox key', () => {
    const wiring = wiringFor({ ...inputs, config: loadConfig({}), publicUrl: 'http://127.0.0.1:8000', sandboxAlipayKeyPem: 'PEM' });
    assert.equal(wiring.pay.gatewayUrl, 'http://127.0.0.1:8000/sandbox/gateway.do');
    assert.equal(wiring.sandbox?.alipayPrivateKeyPem, 'PEM');
    assert.equal(wiring.sandbox?.appPublicKeyPem, appKey.publicKeyPem);
    assert.equal(wiring.sandbox?.sellerId, '2088000000000001', "the sandbox's own seller when none is configured");
    assert.equal(wiring.pay.quitUrl, 'http://127.0.0.1:8000/sandbox/orders', "wap pay's 返回 leads to the demo shop's orders");
  });

  it("leads wap pay's 返回 to the shop's order page when SHOP_URL is set", () => {
    const config = loadConfig({ SHOP_URL: 'https://www.meiduo.example', ALIPAY_PAY_TIMEOUT: '2h' });
    const { pay } = wiringFor({ ...inputs, config, sandboxAlipayKeyPem: null });
    assert.equal(pay.quitUrl, 'https://www.meiduo.example/user_center_order.html');
    assert.equal(pay.payTimeoutMs, 7_200_000);
  });

  it('marks production, for HSTS', () => {
    const config = loadConfig(PRODUCTION_ENV);
    assert.equal(wiringFor({ ...inputs, config, sandboxAlipayKeyPem: null }).production, true);
  });
});
