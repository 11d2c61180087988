/**
 * A tier's test files in one process: each file is imported here and node:test runs what it registered.
 * Node 20's `--test` gives every file a process of its own, which costs a TypeScript load and a PGlite
 * boot each (test/support/databases.ts lends one PGlite to every suite of a process).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TEST_ROOT = new URL('../', import.meta.url);

/** The *.test.ts files of `folders` (under test/), sorted. */
export function tierFiles(folders: readonly string[]): URL[] {
  return folders.flatMap((folder) =>
    readdirSync(fileURLToPath(new URL(`${folder}/`, TEST_ROOT)))
      .filter((name) => name.endsWith('.test.ts'))
      .sort()
      .map((name) => new URL(`${folder}/${name}`, TEST_ROOT)),
  );
}

export async function importTests(files: readonly URL[]): Promise<void> {
  for (const file of files) await import(file.href);
}
