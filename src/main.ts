import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './infrastructure/config.ts';
import { createLogger } from './infrastructure/logger.ts';
import { startServer } from './server.ts';
import { exitWith } from './startup.ts';

export async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    setTimeout(() => process.exit(1), 10_000).unref();
    await server.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

const isEntryPoint = (import.meta as { main?: boolean }).main ?? fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) main().catch(exitWith);
