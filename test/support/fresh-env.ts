import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The environment of a fresh machine: an empty PGlite directory and no keys yet, in a temp folder. */
export function freshEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'meiduo-fresh-'));
  return {
    PORT: '0',
    DATA_DIR: join(dir, 'pglite'),
    LOG_LEVEL: 'silent',
    ALIPAY_PUBLIC_KEY_FILE: join(dir, 'keys', 'alipay_public_key.pem'),
    APP_PRIVATE_KEY_FILE: join(dir, 'keys', 'app_private_key.pem'),
    ...extra,
  };
}
