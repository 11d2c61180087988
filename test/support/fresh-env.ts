import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { testTempDir } from './temp-dir.ts';

/** The environment of a fresh machine: an empty PGlite directory and no keys yet, in a temp folder. */
export function freshEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dir = testTempDir('meiduo-fresh-');
  return {
    PORT: '0',
    DATA_DIR: join(dir, 'pglite'),
    LOG_LEVEL: 'silent',
    ALIPAY_PUBLIC_KEY_FILE: join(dir, 'keys', 'alipay_public_key.pem'),
    APP_PRIVATE_KEY_FILE: join(dir, 'keys', 'app_private_key.pem'),
    ...extra,
  };
}

/**
 * freshEnv, with a PGlite directory already created and migrated (and empty). PGlite's initdb costs
 * about 5 s a directory and a copy under one, so one directory per test run is made and copied.
 * Not for the tests of a first run itself (test/e2e/first-run.test.ts).
 */
export async function migratedEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const env = freshEnv(extra);
  migrated ??= migratedDirectory();
  cpSync(await migrated, env.DATA_DIR!, { recursive: true });
  return env;
}

let migrated: Promise<string> | undefined;
const PERSISTENCE = fileURLToPath(new URL('../../src/infrastructure/persistence/', import.meta.url));
const PGLITE_PACKAGE = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url));

/**
 * One per version of the persistence code (the migrations and what they call) and of PGlite, shared by
 * the test processes of a run and of the next.
 */
async function migratedDirectory(): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(PGLITE_PACKAGE));
  for (const file of filesUnder(PERSISTENCE).sort()) hash.update(file).update(readFileSync(file));
  const version = hash.digest('hex').slice(0, 16);
  const shared = join(tmpdir(), `meiduo-migrated-pglite-${version}`);
  if (existsSync(shared)) return shared;
  const building = join(testTempDir('meiduo-migrating-'), 'pglite');
  const database = openDatabase({ kind: 'pglite', dataDir: building });
  try {
    await migrate(database.knex);
  } finally {
    await database.close();
  }
  try {
    renameSync(building, shared);
  } catch (error) {
    // Another test process made it meanwhile: theirs is as good.
    if (!existsSync(shared)) throw error;
  }
  return shared;
}

/** Every file under `dir`, its subfolders' included (the migrations are a folder of their own). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
