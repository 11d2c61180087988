import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import process from 'node:process';
import type { Container } from 'inversify';
import Koa from 'koa';
import pino, { type Logger } from 'pino';
import { buildContainer } from '../bootstrap/container.ts';
import { loadKeys, sandboxKeyMatching } from '../bootstrap/keys.ts';
import { openMigratedDatabase } from '../bootstrap/server.ts';
import { wiringFor } from '../bootstrap/wiring.ts';
import { type Config, loadConfig } from '../infrastructure/config.ts';
import { createLogger } from '../infrastructure/logger.ts';
import type { Database } from '../infrastructure/persistence/database.ts';
import { SandboxAlipay } from '../sandbox/sandbox-alipay.ts';

/** What a command line tool works with: the configuration, a logger on stderr, the keys, the database. */
export interface Session {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly keys: ReturnType<typeof loadKeys>;
}

/** The server's wiring, less what serves; with the sandbox this command hosts, when it hosts one. */
export function wire({ config, logger, database, keys }: Session, sandbox: LocalSandbox | null) {
  return wiringFor({
    config,
    knex: database.knex,
    logger,
    ...keys,
    publicUrl: sandbox?.url ?? config.publicUrl ?? 'http://127.0.0.1',
    adminPassword: 'unused: this command serves nothing',
    sandboxAlipayKeyPem: sandbox?.keyPem ?? null,
  });
}

export interface LocalSandbox {
  readonly keyPem: string;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The local sandbox lives in the server, which may not run (beside a server on PGlite the command runs
 * inside it instead): this command answers for it, from the trades the sandbox keeps in the database.
 */
export async function localSandbox(session: Session): Promise<LocalSandbox> {
  const keyPem = sandboxKeyMatching(session.config, session.keys.alipayKey.publicKey.spkiPem);
  const sandbox = new SandboxAlipay(wire(session, { keyPem, url: 'http://127.0.0.1', close: async () => {} }).sandbox!);
  const server: Server = new Koa().use(sandbox.routes().routes()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    keyPem,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      sandbox.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs `work` with the configured database open, and closes it whatever happens. */
export async function withSession<T>(work: (session: Session) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  // Logs go to stderr: stdout carries the result, and with --json nothing but it.
  const logger = createLogger(config.logLevel, pino.destination({ dest: 2, sync: true }));
  const keys = loadKeys(config, logger);
  const database = await openMigratedDatabase(config, logger);
  try {
    return await work({ config, logger, database, keys });
  } finally {
    await database.close();
  }
}

/**
 * Runs `work` with a container wired to the configured Alipay; with ALIPAY_GATEWAY=sandbox, to a local
 * sandbox this command hosts for as long as the work lasts.
 */
export async function withAlipay<T>(session: Session, work: (container: Container) => Promise<T>): Promise<T> {
  const sandbox = session.config.alipay.gateway === 'sandbox' ? await localSandbox(session) : null;
  try {
    return await work(buildContainer(wire(session, sandbox)));
  } finally {
    await sandbox?.close();
  }
}
