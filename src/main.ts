import cluster from 'node:cluster';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { type AdminCredentials, resolveAdminCredentials } from './bootstrap/admin-password.ts';
import { developmentBanner } from './bootstrap/banner.ts';
import { ExitCode } from './bootstrap/exit-codes.ts';
import { exitWith } from './bootstrap/exit-with.ts';
import { loadKeys } from './bootstrap/keys.ts';
import { openMigratedDatabase, serverUrl, startBackgroundWork, startServer } from './bootstrap/server.ts';
import { type Config, loadConfig } from './infrastructure/config.ts';
import { consoleDestination, createLogger } from './infrastructure/logger.ts';

const isDeno = 'Deno' in globalThis;
// Measured by npm run bench: V8's default heap sizing lets a busy worker sit at ~180 MB resident;
// these bounds hold it near 120 MB at the same throughput (docs/performance.md).
const WORKER_HEAP = ['--max-old-space-size=96', '--max-semi-space-size=4'];
// The cluster child that does the daily reconciliation and the retention: no HTTP, V8's default heap,
// and a process of its own, so that a bill too large for memory takes down only itself.
const BACKGROUND_ROLE = { MEIDUO_ROLE: 'background' };

export async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, consoleDestination(config.production));
  if (config.webConcurrency > 1 && isDeno) logger.warn('Deno serves from one process: WEB_CONCURRENCY is ignored');
  if (config.webConcurrency > 1 && !isDeno && cluster.isPrimary) return supervise(config, logger);

  if (cluster.isWorker && process.env.MEIDUO_ROLE === BACKGROUND_ROLE.MEIDUO_ROLE) {
    const background = await startBackgroundWork(config, logger, process.env.ADMIN_PASSWORD ?? '');
    onSignals(logger, () => background.stop());
    return;
  }
  const worker = cluster.isWorker;
  const server = await startServer(config, logger, { worker, placeDemoOrders: !worker || cluster.worker?.id === 1 });
  if (!worker) printBanner(config, server.url, server.admin);
  onSignals(logger, async () => {
    await server.close();
  });
}

/** The cluster primary: keys and migrations once, then WEB_CONCURRENCY workers sharing the port. */
async function supervise(config: Config, logger: Logger): Promise<void> {
  loadKeys(config, logger);
  await (await openMigratedDatabase(config, logger)).close();
  // Chosen once, here; each worker is handed it in its own environment.
  const admin = resolveAdminCredentials(config, logger);
  const workerEnv = { ADMIN_PASSWORD: admin.password };
  cluster.once('listening', (_worker, address) => printBanner(config, serverUrl(config.host, address.port), admin));
  let stopping = false;
  const background = new Set<number>();
  // setupPrimary applies to the forks after it: the background child keeps the default heap.
  const fork = (role: 'worker' | 'background') => {
    cluster.setupPrimary({ execArgv: role === 'worker' ? [...process.execArgv, ...WORKER_HEAP] : [...process.execArgv] });
    const child = cluster.fork(role === 'worker' ? workerEnv : { ...workerEnv, ...BACKGROUND_ROLE });
    if (role === 'background') background.add(child.id);
  };
  fork('background');
  for (let i = 0; i < config.webConcurrency; i++) fork('worker');
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const role = background.delete(worker.id) ? 'background' : 'worker';
    logger.error({ [role]: worker.process.pid, code, signal }, `${role} process died; starting another`);
    fork(role);
  });
  logger.info({ workers: config.webConcurrency }, 'cluster started');
  onSignals(logger, async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise((resolve) => {
            worker!.once('exit', resolve);
            worker!.process.kill('SIGTERM');
          }),
      ),
    );
  });
}

/** Once per start, by the process the developer ran: in development only, after the first listen. */
function printBanner(config: Config, url: string, admin: AdminCredentials): void {
  if (config.production) return;
  console.log(developmentBanner({ url, shopUrl: config.shopUrl, demoShop: config.alipay.gateway === 'sandbox', admin }));
}

function onSignals(logger: Logger, drain: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    setTimeout(() => process.exit(ExitCode.FAILURE), 10_000).unref();
    await drain();
    logger.info('stopped');
    process.exit(ExitCode.STOPPED);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

const isEntryPoint = (import.meta as { main?: boolean }).main ?? fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) main().catch(exitWith);
