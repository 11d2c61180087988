import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { buildApp } from './container.ts';
import { loadAlipayKey } from './infrastructure/alipay/alipay-key-loader.ts';
import { loadConfig } from './infrastructure/config.ts';
import { createLogger } from './infrastructure/logger.ts';
import { openDatabase } from './infrastructure/persistence/database.ts';
import { migrate } from './infrastructure/persistence/migrations.ts';
import { databaseTarget, exitWith } from './startup.ts';

export async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const { publicKey, generated } = loadAlipayKey(config);
  if (generated) {
    logger.warn(generated, 'generated a local sandbox Alipay key pair into keys/ (development only; production refuses it)');
  }

  const database = openDatabase(databaseTarget(config));
  try {
    const applied = await migrate(database.knex);
    logger.info({ database: database.description, applied }, 'database ready');
  } catch (error) {
    await database.close();
    throw new Error(`${database.description} is not usable: ${(error as Error).message}`);
  }

  const app = buildApp({
    knex: database.knex,
    logger,
    alipayPublicKey: publicKey,
    signType: config.alipay.signType,
    settings: { appId: config.alipay.appId, sellerId: config.alipay.sellerId, statusAfterPayment: config.statusAfterPayment },
  });
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ url: `http://${config.host}:${port}/` }, 'listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    // In-flight requests finish first; only then does the pool close.
    server.close(async () => {
      await database.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections?.();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

const isEntryPoint = (import.meta as { main?: boolean }).main ?? fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) main().catch(exitWith);
