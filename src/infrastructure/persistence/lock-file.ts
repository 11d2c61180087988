import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { ConfigError } from '../config.ts';

export interface Lock {
  release(): void;
}

/** PGlite is single-process: a second process on the same directory would lose data. */
export function acquireLock(dataDir: string): Lock {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return { release: () => unlinkSync(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (isAlive(owner)) {
        throw new ConfigError('DATA_DIR', `${dataDir} is in use by process ${owner}; stop it first, or set DATA_DIR to another directory`);
      }
      unlinkSync(file); // left behind by a process that died
    }
  }
  throw new ConfigError('DATA_DIR', `could not lock ${dataDir}; remove ${file} if no server is running`);
}

/** The live process that holds `dataDir`, or null when none does or the lock cannot be read (opening it then says why). */
export function lockOwner(dataDir: string): number | null {
  let owner: number;
  try {
    owner = Number(readFileSync(`${dataDir}.lock`, 'utf8'));
  } catch {
    return null;
  }
  return isAlive(owner) ? owner : null;
}

/**
 * Only "no such process" means the owner is dead. Anything else, EPERM or a runtime that may not signal
 * (Deno without --allow-run throws NotCapable), means it may be alive: taking its lock would lose data.
 */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
