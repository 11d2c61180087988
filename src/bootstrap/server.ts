import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import type { Logger } from 'pino';
import { OperatorSessions } from '../application/operator-sessions.ts';
import type { Clock } from '../application/ports/clock.ts';
import type { Config } from '../infrastructure/config.ts';
import { formatDuration } from '../infrastructure/durations.ts';
import { type Database, openDatabase } from '../infrastructure/persistence/database.ts';
import { createHttpServer } from '../interfaces/http/http-server.ts';
import { type AdminCredentials, resolveAdminCredentials } from './admin-password.ts';
import { buildApp } from './build-app.ts';
import { openControl } from './control.ts';
import { loadKeys, sandboxKeyMatching } from './keys.ts';
import { databaseTarget, openMigrated } from './startup.ts';
import { wiringFor } from './wiring.ts';

export interface RunningServer {
  readonly url: string;
  readonly database: Database;
  /** Who may open /admin: ADMIN_PASSWORD, or the generated password and the file it is kept in. */
  readonly admin: AdminCredentials;
  /** Drains in-flight requests, then closes the pool. */
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * A cluster worker: the primary has already generated keys, migrated and chosen the admin password,
   * and a background process of the cluster does the daily reconciliation and the retention.
   */
  readonly worker?: boolean;
  /** Whether this process places the demo shop's orders (one process of a cluster does). */
  readonly placeDemoOrders?: boolean;
  /** What the service takes for now; the machine's clock unless a test states its own. */
  readonly clock?: Clock;
}

/** Everything main does but parse the environment, in order; nothing listens until all of it has worked. */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  // Every key is checked before anything is opened, so a bad one leaves nothing running.
  const keys = loadKeys(config, options.worker ? logger.child({}, { level: 'error' }) : logger);
  const admin = resolveAdminCredentials(config, logger);
  const database = options.worker ? openDatabase(databaseTarget(config)) : await openMigratedDatabase(config, logger);
  try {
    const port = config.port === 0 ? await freePort(config.host) : config.port;
    const url = serverUrl(config.host, port);
    const publicUrl = config.publicUrl ?? url;
    const wiring = wiringOf(config, logger, keys, database, publicUrl, admin.password);
    const built = buildApp({ ...wiring, clock: options.clock });
    const { app, sandbox, demoShop, queryScheduler, refundScheduler } = built;
    // A worker's heap is capped for serving; the cluster's background process does the daily work.
    const reconcileScheduler = options.worker ? undefined : built.reconcileScheduler;
    const retentionScheduler = options.worker ? undefined : built.retentionScheduler;
    if (!options.worker) await built.container.get(OperatorSessions).endFirstOperatorSessions();
    const placed = options.placeDemoOrders === false ? [] : await demoShop?.ensureDemoOrders();
    const server = await listen(createHttpServer(), app.callback(), config.host, port);
    // After listening too: a command run inside may ask the sandbox this server is.
    const control = options.worker
      ? undefined
      : await openControl(config, logger, database, built.container).catch(async (error: unknown) => {
          await new Promise((resolve) => server.close(resolve));
          throw error;
        });
    // After listening: the sandbox that answers the first questions in development is this server.
    queryScheduler?.start();
    refundScheduler.start();
    reconcileScheduler?.start();
    retentionScheduler?.start();
    if (placed?.length) logger.info({ orders: placed }, 'placed demo orders for the demo shop');
    logger.info({ url, publicUrl, sandbox: sandbox !== undefined, querySchedule: schedule(config) }, 'listening');
    const stopWork = async () => {
      await control?.close();
      sandbox?.close();
      await Promise.all([queryScheduler?.stop(), refundScheduler.stop(), reconcileScheduler?.stop(), retentionScheduler?.stop()]);
    };
    return { url, database, admin, close: () => stop(server, database, stopWork) };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * The cluster's background process: the daily reconciliation and the retention, beside the workers that
 * serve. A day's bill is still read whole into memory (docs/operating.md, Reconciling), which a worker's 96 MB heap
 * cannot hold past some 30,000 rows; this process serves no HTTP, keeps V8's default heap, and is a
 * process of its own, restarted by the primary, so that a bill too large even for it takes down only itself.
 */
export async function startBackgroundWork(
  config: Config,
  processLogger: Logger,
  adminPassword: string,
): Promise<{ stop(): Promise<void> }> {
  // Its lines say whose they are: the workers log alongside it.
  const logger = processLogger.child({ role: 'background' });
  const keys = loadKeys(config, logger.child({}, { level: 'error' }));
  const database = openDatabase(databaseTarget(config));
  const wiring = wiringOf(config, logger, keys, database, config.publicUrl ?? serverUrl(config.host, config.port), adminPassword);
  const { reconcileScheduler, retentionScheduler, sandbox } = buildApp(wiring);
  sandbox?.close();
  reconcileScheduler?.start();
  retentionScheduler.start();
  logger.info({ reconcile: reconcileScheduler !== undefined }, 'daily reconciliation and retention run in this background process');
  return {
    stop: async () => {
      await Promise.all([reconcileScheduler?.stop(), retentionScheduler.stop()]);
      await database.close();
    },
  };
}

function wiringOf(
  config: Config,
  logger: Logger,
  keys: ReturnType<typeof loadKeys>,
  database: Database,
  publicUrl: string,
  adminPassword: string,
) {
  const { alipayKey, appKey } = keys;
  const sandboxAlipayKeyPem = config.alipay.gateway === 'sandbox' ? sandboxKeyMatching(config, alipayKey.publicKey.spkiPem) : null;
  return wiringFor({ config, knex: database.knex, logger, alipayKey, appKey, publicUrl, adminPassword, sandboxAlipayKeyPem });
}

/** This server's own address: where a browser on this machine reaches it. */
export function serverUrl(host: string, port: number): string {
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}

/** Opens the configured database and brings its schema up to date. @throws DatabaseUnreachable when it cannot connect */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  const { database, applied } = await openMigrated(config);
  logger.info({ database: database.description, applied }, 'database ready');
  return database;
}

async function listen(server: Server, handler: RequestListener, host: string, port: number): Promise<Server> {
  server.on('request', handler);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return server;
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new Error(
      `cannot listen on ${host}:${port}: ${inUse ? 'the port is in use; stop what runs there or set PORT' : (error as Error).message}`,
    );
  }
}

/** PORT=0: a port the system has free now, so that the app can be built knowing its own address before it listens. */
async function freePort(host: string): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const schedule = ({ alipay }: Config) => alipay.querySchedule?.map(formatDuration).join(',') ?? 'off';

async function stop(server: Server, database: Database, stopWork: () => Promise<void>): Promise<void> {
  await stopWork();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections?.();
  });
  await database.close();
}
