import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import process from 'node:process';

/** What the server writes beside DATA_DIR for the CLIs of this machine's same user. */
export interface ControlFile {
  readonly pid: number;
  readonly port: number;
  readonly token: string;
}

export const controlFileOf = (dataDir: string): string => `${dataDir}.control`;

/** Written anew, readable by its owner only: the token is what lets a command run. */
export function writeControlFile(dataDir: string, control: ControlFile): void {
  removeFile(controlFileOf(dataDir));
  writeFileSync(controlFileOf(dataDir), JSON.stringify(control), { flag: 'wx', mode: 0o600 });
}

/**
 * The control file, or null when there is none or it is not one. A file that another user owns, or that
 * others may write, is not one: where DATA_DIR's folder is shared, a planted file would receive the
 * command and its stdin (a password).
 */
export function readControlFile(dataDir: string): ControlFile | null {
  let text: string;
  try {
    const { uid, mode } = statSync(controlFileOf(dataDir));
    if ((mode & 0o077) !== 0 || (process.getuid !== undefined && uid !== process.getuid())) return null;
    text = readFileSync(controlFileOf(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { pid, port, token } = JSON.parse(text) as Partial<ControlFile>;
    const fits = Number.isInteger(pid) && Number.isInteger(port) && typeof token === 'string';
    return fits ? { pid: pid!, port: port!, token: token! } : null;
  } catch {
    return null;
  }
}

/** Removes the file if it is still `pid`'s: a later server's is left alone. */
export function removeControlFile(dataDir: string, pid: number): void {
  if (readControlFile(dataDir)?.pid === pid) removeFile(controlFileOf(dataDir));
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
