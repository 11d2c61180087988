import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { BillUnreadable } from '../../../application/errors.ts';
import { decodeBillText } from './bill-text.ts';

/** The detail file (`<account>_<yyyyMMdd>_业务明细.csv`), never the totals file (`…_业务明细(汇总).csv`). */
const DETAIL = /业务明细\.csv$/i;
export interface InflateLimits {
  /** The most bytes the detail file may inflate to. */
  readonly maxBytes: number;
  /** The most times the zip's own size it may inflate to. */
  readonly maxRatio: number;
}

// A day of a very large merchant is a few hundred MB of CSV; past this it is not a bill, or not one for
// this process. A CSV of bill rows deflates about 5 to 20 times; a zip bomb, hundreds to a thousand times.
export const BILL_INFLATE_LIMITS: InflateLimits = { maxBytes: 400 * 1024 * 1024, maxRatio: 100 };
// Inflated as it is read, a slice at a time: a bomb is stopped a few MB past a limit, never after.
const SLICE_BYTES = 1024;

export interface DetailFile {
  /** The entry's name, decoded (GBK in Alipay's zips). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * The detail file of Alipay's bill zip, and only it: no other entry is inflated. Entry names are GBK
 * without the zip UTF-8 flag (bit 11), which fflate hands over as Latin-1: each byte one character,
 * so the bytes are recovered exactly and decoded. Its inflated size is counted as it grows: past
 * `limits.maxBytes`, or `limits.maxRatio` times the zip, it is refused.
 * @throws BillUnreadable when the bytes are not a zip, it holds no detail file or more than one, or the
 *   detail file inflates past the limits
 */
export function detailFileOf(zip: Uint8Array, limits: InflateLimits = BILL_INFLATE_LIMITS): DetailFile {
  // A zip begins with a local file header (PK\3\4), or, empty, with its end record (PK\5\6).
  if (zip[0] !== 0x50 || zip[1] !== 0x4b || !((zip[2] === 3 && zip[3] === 4) || (zip[2] === 5 && zip[3] === 6))) {
    throw new BillUnreadable(`the bill is not a zip archive (it begins ${JSON.stringify(new TextDecoder().decode(zip.subarray(0, 8)))})`);
  }
  const names: string[] = [];
  const details: string[] = [];
  const chunks: Uint8Array[] = [];
  const limit = Math.min(limits.maxBytes, zip.length * limits.maxRatio);
  let inflated = 0;
  let refusal: BillUnreadable | undefined;
  const unzip = new Unzip((file) => {
    const name = entryName(file.name);
    if (name.endsWith('/')) return;
    names.push(name);
    if (!DETAIL.test(baseName(name))) return;
    details.push(name);
    if (details.length > 1) return; // which is the bill would be a guess: refused below, never inflated
    file.ondata = (error, chunk) => {
      if (refusal) return;
      if (error) {
        refusal = new BillUnreadable(`the bill's detail file ${name} does not inflate (${error.message})`);
        return;
      }
      inflated += chunk.length;
      if (inflated > limit) {
        refusal = new BillUnreadable(
          `the bill's detail file ${name} inflates past ${limit} bytes from a ${zip.length}-byte zip: refused, ` +
            `as a bill is at most ${limits.maxBytes} bytes and ${limits.maxRatio} times its zip (a zip bomb, or not a bill)`,
        );
        file.terminate();
        return;
      }
      chunks.push(chunk);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    for (let at = 0; at < zip.length && !refusal; at += SLICE_BYTES) {
      const end = Math.min(at + SLICE_BYTES, zip.length);
      unzip.push(zip.subarray(at, end), end === zip.length);
    }
  } catch (error) {
    refusal ??= new BillUnreadable(`the bill is not a zip archive (${(error as Error).message})`);
  }
  if (refusal) throw refusal;
  if (details.length !== 1) {
    const held = names.length === 0 ? 'nothing' : names.join(', ');
    throw new BillUnreadable(
      details.length === 0
        ? `the bill's zip holds no …_业务明细.csv detail file (it holds ${held})`
        : `the bill's zip holds ${details.length} detail files (${details.join(', ')}); which is the bill is a guess`,
    );
  }
  return { name: details[0]!, bytes: concat(chunks, inflated) };
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
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
