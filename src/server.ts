import { createPublicKey, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildApp } from './container.ts';
import { loadAlipayKey } from './infrastructure/alipay/alipay-key-loader.ts';
import { loadAppPrivateKey } from './infrastructure/alipay/app-private-key.ts';
import { readSandboxPrivateKey } from './infrastructure/alipay/sandbox-keys.ts';
import { type Config, ConfigError } from './infrastructure/config.ts';
import { type Database, openDatabase } from './infrastructure/persistence/database.ts';
import { migrate } from './infrastructure/persistence/migrations.ts';
import { createHttpServer } from './interfaces/http/http-server.ts';
import { SANDBOX_GATEWAY_PATH } from './sandbox/sandbox-alipay.ts';
import { databaseTarget } from './startup.ts';

export interface RunningServer {
  readonly url: string;
  readonly database: Database;
  /** Drains in-flight requests, then closes the pool. */
  close(): Promise<void>;
}

// The sandbox's seller when ALIPAY_SELLER_ID is not set (and so not checked).
const SANDBOX_SELLER_ID = '2088000000000001';

export interface StartOptions {
  /** A cluster worker: the primary has already generated keys and migrated. */
  readonly worker?: boolean;
  /** Whether this process places the demo shop's orders (one process of a cluster does). */
  readonly placeDemoOrders?: boolean;
}

/** Loads (outside production, generates) every key, saying what it generated. @throws ConfigError */
export function loadKeys(config: Config, logger: Logger) {
  const alipayKey = loadAlipayKey(config);
  if (alipayKey.generated)
    logger.warn(alipayKey.generated, 'generated a local sandbox Alipay key pair (development only; production refuses it)');
  if (alipayKey.publicKey.certificateSn) {
    logger.info(
      { alipayCertSn: alipayKey.publicKey.certificateSn },
      "certificate mode: Alipay's messages should carry this alipay_cert_sn",
    );
  }
  const appKey = loadAppPrivateKey(config);
  if (appKey.generated) logger.warn(appKey.generated, 'generated an app key pair for signing page-pay requests (development only)');
  if (alipayKey.publicKey.key.n.equals(appKey.privateKey.n)) {
    const problem =
      "is your app's own public key (应用公钥), not Alipay's (支付宝公钥): every Alipay signature would fail. Copy 支付宝公钥 from the Alipay console";
    if (config.production)
      throw new ConfigError(config.alipay.publicKey !== null ? 'ALIPAY_PUBLIC_KEY' : 'ALIPAY_PUBLIC_KEY_FILE', problem);
    logger.warn(`the configured Alipay public key ${problem}.`);
  }
  return { alipayKey, appKey };
}

/** Opens the configured database and brings its schema up to date. */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  const database = openDatabase(databaseTarget(config));
  try {
    const applied = await migrate(database.knex);
    logger.info({ database: database.description, applied }, 'database ready');
    return database;
  } catch (error) {
    await database.close();
    throw new Error(`${database.description} is not usable: ${(error as Error).message}`);
  }
}

/** Everything main does but parse the environment: keys, database, migrations, app, listen. */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const { alipayKey, appKey } = loadKeys(config, options.worker ? logger.child({}, { level: 'error' }) : logger);

  const adminPassword = config.admin.password ?? randomBytes(12).toString('base64url');
  if (config.admin.password === null) {
    logger.warn(
      { user: config.admin.user, password: adminPassword },
      'ADMIN_PASSWORD is not set: generated one for this run of /admin (development only)',
    );
  }
  const useSandbox = config.alipay.gateway === 'sandbox';
  // Every key is checked before anything is opened, so a bad one leaves nothing running.
  const sandboxAlipayKeyPem = useSandbox ? sandboxKeyMatching(config, alipayKey.publicKey.spkiPem) : null;

  const database = options.worker ? openDatabase(databaseTarget(config)) : await openMigratedDatabase(config, logger);

  const server = createHttpServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
  } catch (error) {
    await database.close();
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new Error(
      `cannot listen on ${config.host}:${config.port}: ${inUse ? 'the port is in use; stop what runs there or set PORT' : (error as Error).message}`,
    );
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const publicUrl = config.publicUrl ?? url;

  const { app, sandbox, demoShop } = buildApp({
    knex: database.knex,
    logger,
    alipayPublicKey: alipayKey.publicKey,
    signType: config.alipay.signType,
    signatureVerifier: config.signatureVerifier,
    repositories: config.repositories,
    settings: { appId: config.alipay.appId, sellerId: config.alipay.sellerId, statusAfterPayment: config.statusAfterPayment },
    appPrivateKey: appKey.privateKey,
    pagePay: {
      appId: config.alipay.appId,
      gatewayUrl: useSandbox ? publicUrl + SANDBOX_GATEWAY_PATH : config.alipay.gateway,
      returnUrl: `${publicUrl}/payment/status/`,
      notifyUrl: `${publicUrl}/payment/notify/`,
    },
    admin: { user: config.admin.user, password: adminPassword },
    rejections: config.rejections,
    production: config.production,
    trustedProxies: config.trustedProxies,
    sandbox:
      sandboxAlipayKeyPem !== null
        ? {
            appId: config.alipay.appId,
            sellerId: config.alipay.sellerId ?? SANDBOX_SELLER_ID,
            signType: config.alipay.signType,
            alipayPrivateKeyPem: sandboxAlipayKeyPem,
            appPublicKeyPem: appKey.publicKeyPem,
            logger,
          }
        : undefined,
  });
  server.on('request', app.callback());
  const placed = options.placeDemoOrders === false ? [] : await demoShop?.ensureDemoOrders();
  if (placed?.length) logger.info({ orders: placed }, 'placed demo orders for the demo shop');
  logger.info({ url, publicUrl, sandbox: useSandbox }, 'listening');

  return {
    url,
    database,
    async close() {
      sandbox?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
      });
      await database.close();
    },
  };
}

/** The sandbox must sign with the private half of the Alipay key we verify with. @throws ConfigError */
function sandboxKeyMatching(config: Config, alipayPublicKeyPem: string): string {
  const pem = readSandboxPrivateKey(config.alipay.publicKeyFile);
  const matches =
    pem !== null &&
    config.alipay.publicKey === null &&
    createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString().trim() === alipayPublicKeyPem.replace(/\r/g, '').trim();
  if (!matches) {
    throw new ConfigError(
      'ALIPAY_GATEWAY',
      `is "sandbox", but the Alipay public key is not the sandbox's own; unset ALIPAY_PUBLIC_KEY and move ${config.alipay.publicKeyFile} away to have a sandbox pair generated, or set ALIPAY_GATEWAY to a real gateway`,
    );
  }
  return pem;
}
