import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { ConfigError, loadConfig, SANDBOX_APP_ID } from '../../src/infrastructure/config.ts';
import { PRODUCTION_ENV } from '../support/production-env.ts';

const PRODUCTION = PRODUCTION_ENV;

function failsOn(variable: string, env: Record<string, string>): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
  );
}

describe('loadConfig', () => {
  it('needs nothing in development', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, null);
    assert.equal(config.dataDir, 'var/pglite');
    assert.equal(config.alipay.appId, SANDBOX_APP_ID);
    assert.equal(config.alipay.sellerId, null);
    assert.equal(config.alipay.signType, 'RSA2');
    assert.equal(config.alipay.gateway, 'sandbox');
    assert.equal(config.alipay.publicKeyFile, 'keys/alipay_public_key.pem');
    assert.equal(config.statusAfterPayment, OrderStatus.UNCOMMENT);
    assert.deepEqual(config.admin, { user: 'admin', password: null });
    assert.deepEqual(config.rejections, { maxRows: 100_000, maxAgeDays: 90 });
    assert.equal(config.webConcurrency, 1);
    assert.equal(config.signatureVerifier, 'native');
    assert.deepEqual(config.alipay.querySchedule, [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000]);
    assert.equal(config.alipay.httpTimeoutMs, 10_000);
    assert.equal(config.alipay.payTimeoutMs, 30 * 60_000);
  });

  it('reads ALIPAY_PAY_TIMEOUT as a duration from a minute to the 15 days Alipay takes', () => {
    assert.equal(loadConfig({ ALIPAY_PAY_TIMEOUT: '2h' }).alipay.payTimeoutMs, 7_200_000);
    assert.equal(loadConfig({ ALIPAY_PAY_TIMEOUT: '15d' }).alipay.payTimeoutMs, 15 * 86_400_000);
    for (const bad of ['30', '59s', '16d', 'off', 'half an hour']) failsOn('ALIPAY_PAY_TIMEOUT', { ALIPAY_PAY_TIMEOUT: bad });
  });

  it('reads the query schedule and the HTTP timeout as durations, and "off"', () => {
    const config = loadConfig({ ALIPAY_QUERY_SCHEDULE: '500ms,10s,2m,1d', ALIPAY_HTTP_TIMEOUT: '1500ms' });
    assert.deepEqual(config.alipay.querySchedule, [500, 10_000, 120_000, 86_400_000]);
    assert.equal(config.alipay.httpTimeoutMs, 1500);
    assert.equal(loadConfig({ ALIPAY_QUERY_SCHEDULE: 'off' }).alipay.querySchedule, null);
  });

  it('reads PAYMENT_EVENT_RETENTION_DAYS as a whole number of days, 400 unless set, from 1 to 3650', () => {
    assert.equal(loadConfig({}).paymentEventRetentionDays, 400);
    assert.equal(loadConfig({ PAYMENT_EVENT_RETENTION_DAYS: '30' }).paymentEventRetentionDays, 30);
    for (const bad of ['0', '3651', 'forever']) failsOn('PAYMENT_EVENT_RETENTION_DAYS', { PAYMENT_EVENT_RETENTION_DAYS: bad });
  });

  it('reads RECONCILE_CATCH_UP_DAYS as a whole number of days, 7 unless set, from 1 to 31', () => {
    assert.equal(loadConfig({}).reconcileCatchUpDays, 7);
    assert.equal(loadConfig({ RECONCILE_CATCH_UP_DAYS: '31' }).reconcileCatchUpDays, 31);
    for (const bad of ['0', '32', 'a week', '1.5']) failsOn('RECONCILE_CATCH_UP_DAYS', { RECONCILE_CATCH_UP_DAYS: bad });
  });

  it('reads RECONCILE_AT as a Beijing time of day, 10:30 unless set, or off', () => {
    assert.equal(loadConfig({}).reconcileAtMinutes, 630);
    assert.equal(loadConfig({ RECONCILE_AT: '00:05' }).reconcileAtMinutes, 5);
    assert.equal(loadConfig({ RECONCILE_AT: 'off' }).reconcileAtMinutes, null);
    for (const bad of ['24:00', '9:30', '10:60', '10.30', 'morning']) failsOn('RECONCILE_AT', { RECONCILE_AT: bad });
  });

  it('refuses a schedule that is not ascending durations, and a timeout out of bounds, naming the variable', () => {
    for (const bad of ['1m,1m', '5m,1m', '1m,,5m', '1 minute', '1m,5x', '0s', 'never', '1m;5m'])
      failsOn('ALIPAY_QUERY_SCHEDULE', { ALIPAY_QUERY_SCHEDULE: bad });
    for (const bad of ['10', '50ms', '3m', 'fast']) failsOn('ALIPAY_HTTP_TIMEOUT', { ALIPAY_HTTP_TIMEOUT: bad });
    assert.throws(
      () => loadConfig({ ALIPAY_QUERY_SCHEDULE: '5m,1m' }),
      /ALIPAY_QUERY_SCHEDULE must be "off" or up to 20 ascending durations .* \(got "5m,1m"\)/,
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@h/db',
      DATA_DIR: '/tmp/x',
      ALIPAY_APP_ID: '2021000000000002',
      ALIPAY_SELLER_ID: '2088000000000002',
      ALIPAY_SIGN_TYPE: 'RSA',
      ALIPAY_PUBLIC_KEY: 'MIIB',
      ALIPAY_PUBLIC_KEY_FILE: 'k.crt',
      APP_PRIVATE_KEY_FILE: 'a.pem',
      ALIPAY_GATEWAY: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
      ORDER_STATUS_AFTER_PAYMENT: 'UNSEND',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.databaseUrl, 'postgres://u@h/db');
    assert.equal(config.alipay.sellerId, '2088000000000002');
    assert.equal(config.alipay.signType, 'RSA');
    assert.equal(config.alipay.publicKey, 'MIIB');
    assert.equal(config.statusAfterPayment, OrderStatus.UNSEND);
  });

  it('names the variable of a bad value', () => {
    failsOn('PORT', { PORT: 'eighty' });
    failsOn('PORT', { PORT: '70000' });
    failsOn('DATABASE_URL', { DATABASE_URL: 'mysql://x' });
    failsOn('ALIPAY_SIGN_TYPE', { ALIPAY_SIGN_TYPE: 'MD5' });
    failsOn('ORDER_STATUS_AFTER_PAYMENT', { ORDER_STATUS_AFTER_PAYMENT: 'FINISHED' });
    failsOn('NODE_ENV', { NODE_ENV: 'prod' });
    failsOn('ALIPAY_GATEWAY', { ALIPAY_GATEWAY: 'not a url' });
    failsOn('ALIPAY_APP_ID', { ALIPAY_APP_ID: 'a b' });
    failsOn('LOG_LEVEL', { LOG_LEVEL: 'loud' });
    failsOn('REJECTION_MAX_ROWS', { REJECTION_MAX_ROWS: '5' });
    failsOn('REJECTION_RETENTION_DAYS', { REJECTION_RETENTION_DAYS: 'forever' });
    failsOn('SIGNATURE_VERIFIER', { SIGNATURE_VERIFIER: 'openssl' });
    failsOn('WEB_CONCURRENCY', { WEB_CONCURRENCY: '0' });
    failsOn('WEB_CONCURRENCY', { WEB_CONCURRENCY: '2' });
    assert.equal(loadConfig({ WEB_CONCURRENCY: '2', DATABASE_URL: 'postgres://u@h/db' }).webConcurrency, 2);
  });

  it('demands real Alipay settings in production', () => {
    assert.equal(loadConfig(PRODUCTION).host, '0.0.0.0');
    assert.equal(loadConfig(PRODUCTION).webConcurrency, 1, 'PGlite stays one process even in production');
    assert.ok(loadConfig({ ...PRODUCTION, DATABASE_URL: 'postgres://u@h/db' }).webConcurrency >= 1);
    failsOn('ALIPAY_APP_ID', { ...PRODUCTION, ALIPAY_APP_ID: '' });
    failsOn('ALIPAY_APP_ID', { ...PRODUCTION, ALIPAY_APP_ID: SANDBOX_APP_ID });
    failsOn('ALIPAY_GATEWAY', { ...PRODUCTION, ALIPAY_GATEWAY: 'sandbox' });
    failsOn('ALIPAY_GATEWAY', { NODE_ENV: 'production', ALIPAY_APP_ID: '2021000000000002' });
    failsOn('ADMIN_PASSWORD', { ...PRODUCTION, ADMIN_PASSWORD: '' });
    failsOn('ADMIN_PASSWORD', { ...PRODUCTION, ADMIN_PASSWORD: 'short' });
  });

  it('takes ADMIN_USER only as an account name: it names the first operator in every audit row', () => {
    assert.equal(loadConfig({ ADMIN_USER: 'ops.lead' }).admin.user, 'ops.lead');
    for (const user of ['Admin', 'a'.repeat(33), 'ad min']) failsOn('ADMIN_USER', { ADMIN_USER: user });
  });

  it('refuses in production what cannot work or is weak, saying the rule', () => {
    failsOn('PUBLIC_URL', { ...PRODUCTION, PUBLIC_URL: '' });
    failsOn('PUBLIC_URL', { ...PRODUCTION, PUBLIC_URL: 'http://pay.example.com' });
    failsOn('ALIPAY_GATEWAY', { ...PRODUCTION, ALIPAY_GATEWAY: 'http://openapi.alipay.com/gateway.do' });
    failsOn('ALIPAY_SIGN_TYPE', { ...PRODUCTION, ALIPAY_SIGN_TYPE: 'RSA' });
    assert.equal(loadConfig({ ...PRODUCTION, ALIPAY_SIGN_TYPE: 'RSA', ALIPAY_ALLOW_SHA1: 'true' }).alipay.signType, 'RSA');
    for (const weak of ['aaaaaaaaaaaaaaaaaaaaaaaa', 'abababababababababab', '15-characters!!']) {
      assert.throws(
        () => loadConfig({ ...PRODUCTION, ADMIN_PASSWORD: weak }),
        /ADMIN_PASSWORD must have at least 16 characters, of which at least 6 differ/,
      );
    }
    assert.equal(loadConfig({ ...PRODUCTION, ADMIN_PASSWORD: 'correct horse battery' }).admin.password, 'correct horse battery');
    assert.equal(loadConfig({ ...PRODUCTION, PUBLIC_URL: 'https://pay.example.com/shop/' }).publicUrl, 'https://pay.example.com/shop');
  });

  it('takes a public address with no query, fragment or credentials, anywhere', () => {
    for (const bad of [
      'https://pay.example.com/?a=1',
      'https://pay.example.com/#top',
      'https://pay.example.com?',
      'https://u:p@pay.example.com',
      'ftp://pay.example.com',
      'pay.example.com',
    ]) {
      failsOn('PUBLIC_URL', { PUBLIC_URL: bad });
    }
    assert.equal(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:8000/' }).publicUrl, 'http://127.0.0.1:8000');
  });

  it("reads SHOP_URL, Meiduo's front end, without its trailing slash; unset is the demo shop outside production", () => {
    assert.equal(loadConfig({}).shopUrl, null);
    assert.equal(loadConfig({ SHOP_URL: 'http://www.meiduo.site:8080' }).shopUrl, 'http://www.meiduo.site:8080');
    assert.equal(loadConfig({ SHOP_URL: 'http://www.meiduo.site:8080/' }).shopUrl, 'http://www.meiduo.site:8080');
    assert.equal(loadConfig({ SHOP_URL: 'https://example.com/meiduo//' }).shopUrl, 'https://example.com/meiduo');
    assert.equal(loadConfig(PRODUCTION).shopUrl, 'https://www.example.com');
  });

  it('refuses a SHOP_URL that is not an absolute http(s) URL without query, fragment or credentials, naming it', () => {
    for (const bad of [
      'www.meiduo.site',
      '/shop',
      'ftp://www.meiduo.site',
      'javascript:alert(1)',
      'https://www.meiduo.site/?from=pay',
      'https://www.meiduo.site?',
      'https://www.meiduo.site/#top',
      'https://user:secret@www.meiduo.site',
    ]) {
      failsOn('SHOP_URL', { SHOP_URL: bad });
    }
    assert.throws(() => loadConfig({ SHOP_URL: '/shop' }), /SHOP_URL must be an http\(s\) URL .* \(got "\/shop"\)$/);
  });

  it('demands an https SHOP_URL in production, where there is no demo shop to fall back on', () => {
    const { SHOP_URL: _, ...withoutShop } = PRODUCTION;
    failsOn('SHOP_URL', withoutShop);
    failsOn('SHOP_URL', { ...PRODUCTION, SHOP_URL: '' });
    failsOn('SHOP_URL', { ...PRODUCTION, SHOP_URL: 'http://www.meiduo.site' });
    assert.throws(() => loadConfig(withoutShop), /SHOP_URL must be set when NODE_ENV=production/);
  });

  it('reads TRUSTED_PROXIES as addresses and CIDRs, and refuses anything else', () => {
    assert.deepEqual(loadConfig({}).trustedProxies, []);
    assert.deepEqual(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1 ::1' }).trustedProxies, ['10.0.0.0/8', '127.0.0.1', '::1']);
    failsOn('TRUSTED_PROXIES', { TRUSTED_PROXIES: '10.0.0.0/33' });
    failsOn('TRUSTED_PROXIES', { TRUSTED_PROXIES: 'proxy.example.com' });
  });
});
