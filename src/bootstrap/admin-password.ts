import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../infrastructure/config.ts';

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
  /** The file a generated password is kept in; null when ADMIN_PASSWORD chose it. */
  readonly keptIn: string | null;
}

/** Beside PGlite's directory: var/admin-password unless DATA_DIR moves var/ elsewhere. */
export function adminPasswordFile(config: Config): string {
  return join(dirname(config.dataDir), 'admin-password');
}

/**
 * ADMIN_PASSWORD, or outside production (where it is required) one generated once and kept in a file
 * readable by its owner only, so that a restart keeps the developer signed in. A cluster's primary
 * calls this and hands the password to its workers, so every process takes the same one.
 */
export function resolveAdminCredentials(config: Config, logger: Logger): AdminCredentials {
  const { user, password } = config.admin;
  if (password !== null) return { user, password, keptIn: null };
  const file = adminPasswordFile(config);
  const kept = keptPassword(file);
  logger.info(
    { user, file },
    kept.created
      ? 'ADMIN_PASSWORD is not set: generated the password of /admin and kept it in this file (development only)'
      : 'ADMIN_PASSWORD is not set: /admin takes the password kept in this file (development only)',
  );
  return { user, password: kept.password, keptIn: file };
}

function keptPassword(file: string): { password: string; created: boolean } {
  const existing = readPassword(file);
  if (existing) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { password: existing, created: false };
  }
  mkdirSync(dirname(file), { recursive: true });
  const password = randomBytes(12).toString('base64url');
  try {
    // 'wx' unless an empty file is in the way: two servers starting at once on one var/ keep one password.
    writeFileSync(file, `${password}\n`, { mode: 0o600, flag: existing === '' ? 'w' : 'wx' });
  } catch (error) {
    const theirs = (error as NodeJS.ErrnoException).code === 'EEXIST' ? readPassword(file) : null;
    if (!theirs) throw error;
    return { password: theirs, created: false };
  }
  chmodSync(file, 0o600);
  return { password, created: true };
}

/** The file's password; '' for an empty file, null for none. */
function readPassword(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
