import type { DatabaseTarget } from './database.ts';
import { type DriverError, errorChain, isUnavailable } from './store-errors.ts';

/** The configured PostgreSQL could not be reached, or turned us away, before anything was served. */
export class DatabaseUnreachable extends Error {}

/** SQLSTATEs of a server that answered but will not let us in. */
const REFUSED_LOGIN = new Set(['28P01', '28000']);
const NO_SUCH_DATABASE = '3D000';

/**
 * One line for a connection that failed: where (host:port, never the password), why in the driver's
 * own words, and what to check. Null when the error is not about connecting (a failed migration).
 */
export function unreachable(error: unknown, target: DatabaseTarget): DatabaseUnreachable | null {
  if (target.kind !== 'postgres') return null;
  const url = new URL(target.url);
  const where = `PostgreSQL at ${url.hostname}:${url.port || '5432'}`;
  const database = decoded(url.pathname.slice(1));
  const code = codeOf(error);
  const because = reasonOf(error);
  if (code !== undefined && REFUSED_LOGIN.has(code)) {
    return new DatabaseUnreachable(
      `${where} refused user "${decoded(url.username)}" (${because}): check the user and password in DATABASE_URL`,
    );
  }
  if (code === NO_SUCH_DATABASE) {
    return new DatabaseUnreachable(`${where} has no database "${database}": create it, or correct its name in DATABASE_URL`);
  }
  if (!isUnavailable(error)) return null;
  return new DatabaseUnreachable(
    `${where} did not answer (${because}): check that PostgreSQL runs there and accepts connections from this machine, and the host and port in DATABASE_URL`,
  );
}

function codeOf(error: unknown): string | undefined {
  for (const e of errorChain(error)) if (typeof e.code === 'string') return e.code;
  return undefined;
}

/** The innermost message: the driver's, not a wrapper's. */
function reasonOf(error: unknown): string {
  let message = String((error as DriverError | undefined)?.message ?? error);
  for (const e of errorChain(error)) if (typeof e.message === 'string' && e.message !== '') message = e.message;
  return message.split('\n')[0]!;
}

/** A URL part as typed; a malformed escape is shown as it is rather than failing the error's own report. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
