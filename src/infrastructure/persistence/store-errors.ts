import { StoreUnavailable } from '../../application/errors.ts';

// Socket errors, PostgreSQL's connection_exception class (08…) and operator_intervention (57P0x).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** What pg, PGlite and knex put on their errors, any of it possibly missing. */
export interface DriverError {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly nativeError?: DriverError;
  readonly cause?: DriverError;
}

/** An error and those it wraps, outermost first: knex's nativeError, else the standard cause. */
export function* errorChain(error: unknown): Generator<DriverError> {
  for (let e = error as DriverError | undefined; e; e = e.nativeError ?? e.cause) {
    yield e;
    if (e === e.cause) break;
  }
}

/** True when an error means the database could not be reached, rather than that a query was wrong. */
export function isUnavailable(error: unknown): boolean {
  for (const e of errorChain(error)) {
    if (UNAVAILABLE_CODES.has(String(e.code)) || String(e.code ?? '').startsWith('08')) return true;
    if (e.name === 'KnexTimeoutError') return true;
    if (/Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Query read timeout/i.test(String(e.message)))
      return true;
  }
  return false;
}

/** Runs a database call, turning "unreachable" into the port's StoreUnavailable. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof StoreUnavailable) throw error;
    throw isUnavailable(error) ? new StoreUnavailable({ cause: error }) : error;
  }
}

/** PostgreSQL's SQLSTATE for a unique violation: the same in every locale, unlike the message. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; nativeError?: { code?: string } };
  return e.code === UNIQUE_VIOLATION || e.nativeError?.code === UNIQUE_VIOLATION;
}
