import { unzipSync } from 'fflate';
import { BillUnreadable } from '../../../application/errors.ts';
import { decodeBillText } from './bill-text.ts';

/** The detail file (`<account>_<yyyyMMdd>_业务明细.csv`), never the totals file (`…_业务明细(汇总).csv`). */
const DETAIL = /业务明细\.csv$/i;
// A day of a very large merchant is a few hundred MB of CSV; past this it is not a bill, or not one for this process.
const MAX_DETAIL_BYTES = 400 * 1024 * 1024;

export interface DetailFile {
  /** The entry's name, decoded (GBK in Alipay's zips). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * The detail file of Alipay's bill zip. Entry names are GBK without the zip UTF-8 flag (bit 11), which
 * fflate hands over as Latin-1: each byte one character, so the bytes are recovered exactly and decoded.
 * Only the detail file is inflated.
 * @throws BillUnreadable when the bytes are not a zip, or it holds no detail file, or more than one
 */
export function detailFileOf(zip: Uint8Array): DetailFile {
  const names: string[] = [];
  const details = new Map<string, string>(); // fflate's name → decoded name
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (entry) => {
        const name = entryName(entry.name);
        if (name.endsWith('/')) return false;
        names.push(name);
        if (!DETAIL.test(baseName(name))) return false;
        if (entry.originalSize > MAX_DETAIL_BYTES) {
          throw new BillUnreadable(`the bill's detail file ${name} is ${entry.originalSize} bytes, more than a bill holds`);
        }
        details.set(entry.name, name);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof BillUnreadable) throw error;
    throw new BillUnreadable(`the bill is not a zip archive (${(error as Error).message})`);
  }
  if (details.size !== 1) {
    const held = names.length === 0 ? 'nothing' : names.join(', ');
    throw new BillUnreadable(
      details.size === 0
        ? `the bill's zip holds no …_业务明细.csv detail file (it holds ${held})`
        : `the bill's zip holds ${details.size} detail files (${[...details.values()].join(', ')}); which is the bill is a guess`,
    );
  }
  const [[raw, name]] = [...details];
  return { name: name!, bytes: files[raw!]! };
}

/** fflate decodes a flagged name as UTF-8 and any other as Latin-1: undo the Latin-1 and decode the bytes. */
function entryName(name: string): string {
  let latin1 = true;
  for (let i = 0; i < name.length && latin1; i++) latin1 = name.charCodeAt(i) <= 0xff;
  if (!latin1) return name; // had the UTF-8 flag
  return decodeBillText(Uint8Array.from(name, (char) => char.charCodeAt(0)));
}

function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}
