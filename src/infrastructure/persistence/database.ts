import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { acquireLock, type Lock } from './lock-file.ts';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number }
  /** dataDir null keeps the database in memory (tests). */
  | { readonly kind: 'pglite'; readonly dataDir: string | null };

export interface Database {
  readonly knex: Knex;
  readonly description: string;
  close(): Promise<void>;
}

// A dead database must give an answer within seconds, never a hang.
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 5_000;

export function openDatabase(target: DatabaseTarget): Database {
  return target.kind === 'postgres' ? openPostgres(target) : openPglite(target.dataDir);
}

function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgres' }>): Database {
  const knex = knexFactory({
    client: 'pg',
    connection: {
      connectionString: target.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      // Client side too: a frozen server never answers, so its own timeout would never fire.
      query_timeout: STATEMENT_TIMEOUT_MS + 1_000,
    } as Knex.PgConnectionConfig,
    searchPath: target.schema ? [target.schema] : undefined,
    pool: { min: 0, max: target.poolSize ?? 10 },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
    log: { warn: withoutAcquireErrors },
  });
  const { host, pathname } = new URL(target.url);
  return { knex, description: `PostgreSQL at ${host}${pathname}`, close: () => knex.destroy() };
}

/**
 * knex prints each failed connection attempt, stack and all, on stdout; the same error reaches the
 * caller, which says it in one line (start-up) or answers 503 (a request). Other warnings go to stderr.
 */
function withoutAcquireErrors(message: unknown): void {
  if (!String(message).startsWith('Acquire connection error')) console.warn(message);
}

/** pg_trgm serves the admin's search by any part of an id (migration 007), as on PostgreSQL. */
export function newPglite(dataDir: string | null): PGlite {
  return new PGlite({ dataDir: dataDir ?? undefined, extensions: { pg_trgm } });
}

function openPglite(dataDir: string | null): Database {
  let lock: Lock | undefined;
  if (dataDir !== null) {
    mkdirSync(dirname(dataDir), { recursive: true });
    lock = acquireLock(dataDir);
  }
  const pglite = newPglite(dataDir);
  const knex = knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
  } as Knex.Config);
  return {
    knex,
    description: dataDir === null ? 'PGlite in memory' : `PGlite in ${dataDir}`,
    close: async () => {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
      lock?.release();
    },
  };
}
