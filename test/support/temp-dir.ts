import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

const made: string[] = [];

/**
 * A new directory under the system's temp folder, removed when the test process exits: a PGlite
 * directory is 40 MB, and a suite that left each behind filled the disk in a few hundred runs.
 */
export function testTempDir(prefix: string): string {
  if (made.length === 0) process.once('exit', removeAll);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
