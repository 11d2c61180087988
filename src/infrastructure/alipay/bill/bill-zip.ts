import { BillUnreadable } from '../../../application/errors.ts';
import { concatBytes } from './bill-bytes.ts';
import { BILL_INFLATE_LIMITS, type CompressedEntry, type InflateLimits, inflatedSlices } from './bill-inflate.ts';
import { decodeBillText } from './bill-text.ts';

export { BILL_INFLATE_LIMITS, type InflateLimits } from './bill-inflate.ts';

/** The detail file (`<account>_<yyyyMMdd>_业务明细.csv`), never the totals file (`…_业务明细(汇总).csv`). */
const DETAIL = /业务明细\.csv$/i;

export interface DetailFile {
  /** The entry's name, decoded (GBK in Alipay's zips). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly localOffset: number;
}

/**
 * The detail file of Alipay's bill zip, and only it, as the archive holds it: inflate it with
 * inflatedSlices, which counts its inflated size against the limits as it grows. Entries are found in
 * the central directory (never by scanning for signatures, which compressed data may contain); names
 * are GBK without the zip UTF-8 flag (bit 11) in Alipay's zips.
 * @throws BillUnreadable when the bytes are not a zip, or it holds no detail file or more than one
 */
export function detailEntryOf(zip: Uint8Array): CompressedEntry {
  const entries = centralDirectory(zip).filter((entry) => !entry.name.endsWith('/'));
  const details = entries.filter((entry) => DETAIL.test(baseName(entry.name)));
  if (details.length !== 1) {
    const held = entries.length === 0 ? 'nothing' : entries.map((entry) => entry.name).join(', ');
    throw new BillUnreadable(
      details.length === 0
        ? `the bill's zip holds no …_业务明细.csv detail file (it holds ${held})`
        : `the bill's zip holds ${details.length} detail files (${details.map((entry) => entry.name).join(', ')}); which is the bill is a guess`,
    );
  }
  const [detail] = details as [Entry];
  return { name: detail.name, method: detail.method, data: compressedBytes(zip, detail) };
}

/**
 * The whole detail file at once, for tools and tests: the bill reader (readTradeBill) never holds it
 * whole. Past `limits.maxBytes`, or `limits.maxRatio` times its compressed size, it is refused.
 * @throws BillUnreadable as detailEntryOf and inflatedSlices do
 */
export function detailFileOf(zip: Uint8Array, limits: InflateLimits = BILL_INFLATE_LIMITS): DetailFile {
  const entry = detailEntryOf(zip);
  return { name: entry.name, bytes: concatBytes([...inflatedSlices(entry, limits)]) };
}

function compressedBytes(zip: Uint8Array, entry: Entry): Uint8Array {
  const view = viewOf(zip);
  const at = entry.localOffset;
  if (at + 30 > zip.length || view.getUint32(at, true) !== 0x04034b50)
    throw unreadable(`${entry.name} has no local header where the directory says`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw unreadable(`${entry.name} is cut short`);
  return data;
}

/** Every entry of the zip, from its end record and central directory. */
function centralDirectory(zip: Uint8Array): Entry[] {
  const view = viewOf(zip);
  // The end record is the last 22 bytes, or earlier by the length of a comment (at most 65,535 bytes).
  let end = zip.length - 22;
  while (end >= 0 && end >= zip.length - 22 - 0xffff && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0 || end < zip.length - 22 - 0xffff) {
    throw new BillUnreadable(`the bill is not a zip archive (it begins ${JSON.stringify(new TextDecoder().decode(zip.subarray(0, 8)))})`);
  }
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff) throw unreadable('is a ZIP64 archive, larger than any bill');
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== 0x02014b50)
      throw unreadable(`has a broken central directory (entry ${i + 1})`);
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
    const compressedSize = view.getUint32(at + 20, true);
    if (compressedSize === 0xffffffff) throw unreadable('is a ZIP64 archive, larger than any bill');
    entries.push({
      // Bit 11: the name is UTF-8; Alipay's are GBK without it.
      name: flags & 0x0800 ? new TextDecoder().decode(nameBytes) : decodeBillText(nameBytes),
      method: view.getUint16(at + 10, true),
      compressedSize,
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

const unreadable = (what: string) => new BillUnreadable(`the bill's zip ${what}`);
const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}
