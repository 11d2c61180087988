import { once } from 'node:events';
import * as zlib from 'node:zlib';

/** One file of a zip: its name as the bytes to write (GBK for Alipay's bills), and its content. */
export interface ZipEntry {
  readonly name: Uint8Array;
  readonly data: Uint8Array;
  /** The DOS timestamp written is this instant's wall clock in Beijing, as Alipay's servers write it. */
  readonly modified: Date;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

// node:zlib's own (Node 20.15 and later, Deno): a table in JavaScript takes a second and a half for a million bill rows.
const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as { crc32?: typeof zlib.crc32 }).crc32;

/** CRC-32 of `data`; pass the CRC of what came before to go on from it. */
export function crc32(data: Uint8Array, previous = 0): number {
  if (nativeCrc32) return nativeCrc32(data, previous);
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** An entry deflated already: its deflate stream in pieces, its CRC-32 and uncompressed size. */
export interface DeflatedEntry {
  readonly name: Uint8Array;
  readonly modified: Date;
  readonly crc: number;
  readonly size: number;
  readonly compressed: readonly Uint8Array[];
}

/**
 * An entry deflated as it is written, a piece at a time: only its compressed bytes are kept, so that
 * a bill of a million rows never lies whole in memory as text. Each write waits until zlib has taken
 * the piece before it, so that at most two pieces wait in memory.
 */
export class DeflatingEntry {
  private readonly deflate = zlib.createDeflateRaw();
  private readonly compressed: Uint8Array[] = [];
  private crc = 0;
  private size = 0;
  private failure: Error | undefined;
  private drained: Promise<unknown> | undefined;

  constructor(
    private readonly name: Uint8Array,
    private readonly modified: Date,
  ) {
    this.deflate.on('data', (chunk: Uint8Array) => this.compressed.push(chunk));
    this.deflate.on('error', (error: Error) => {
      this.failure = error;
    });
  }

  /** Hands `data` to zlib once it has taken the piece before: one piece deflates while the next is made. */
  async write(data: Uint8Array): Promise<void> {
    await this.drained;
    this.drained = undefined;
    if (this.failure) throw this.failure;
    this.crc = crc32(data, this.crc);
    this.size += data.length;
    if (this.deflate.write(data)) return;
    // Rejected by an 'error' of zlib; awaited by the next write or end, not left unhandled meanwhile.
    this.drained = once(this.deflate, 'drain');
    this.drained.catch(() => {});
  }

  async end(): Promise<DeflatedEntry> {
    await this.drained;
    const ended = once(this.deflate, 'end');
    this.deflate.end();
    await ended;
    if (this.failure) throw this.failure;
    // The zip written is zip32, with no data descriptor: as Alipay's.
    if (this.size > 0xffffffff) throw new RangeError('a zip entry of 4 GB or more needs zip64, which Alipay does not write');
    return { name: this.name, modified: this.modified, crc: this.crc, size: this.size, compressed: this.compressed };
  }
}

/**
 * A zip archive as Alipay's bill zips are: deflated entries whose names are written as given, with the
 * UTF-8 flag (general purpose bit 11) clear. No library writes names that way (they set the flag for
 * any non-ASCII name), so this is the format by hand: local headers, central directory, end record.
 */
export function zipArchive(entries: readonly ZipEntry[]): Uint8Array {
  return zipOfDeflated(
    entries.map((entry) => ({
      name: entry.name,
      modified: entry.modified,
      crc: crc32(entry.data),
      size: entry.data.length,
      compressed: [new Uint8Array(zlib.deflateRawSync(entry.data))],
    })),
  );
}

/** The archive of entries deflated already (by DeflatingEntry, or whole). */
export function zipOfDeflated(entries: readonly DeflatedEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const compressedSize = entry.compressed.reduce((sum, piece) => sum + piece.length, 0);
    const { time, date } = dosTime(entry.modified);
    const common = {
      crc: entry.crc,
      compressedSize,
      size: entry.size,
      time,
      date,
      nameLength: entry.name.length,
    };
    const local = new Header(30 + entry.name.length)
      .u32(0x04034b50)
      .u16(20) // version needed: deflate
      .u16(0) // flags: bit 11 (UTF-8) clear, no data descriptor
      .u16(8) // deflate
      .u16(common.time)
      .u16(common.date)
      .u32(common.crc)
      .u32(common.compressedSize)
      .u32(common.size)
      .u16(common.nameLength)
      .u16(0) // no extra field
      .bytes(entry.name).done;
    const central = new Header(46 + entry.name.length)
      .u32(0x02014b50)
      .u16(20) // made by: MS-DOS, 2.0
      .u16(20)
      .u16(0)
      .u16(8)
      .u16(common.time)
      .u16(common.date)
      .u32(common.crc)
      .u32(common.compressedSize)
      .u32(common.size)
      .u16(common.nameLength)
      .u16(0) // extra
      .u16(0) // comment
      .u16(0) // disk
      .u16(0) // internal attributes
      .u32(0) // external attributes
      .u32(offset)
      .bytes(entry.name).done;
    parts.push(local);
    for (const piece of entry.compressed) parts.push(piece);
    centrals.push(central);
    offset += local.length + compressedSize;
  }
  const directorySize = centrals.reduce((sum, header) => sum + header.length, 0);
  const end = new Header(22)
    .u32(0x06054b50)
    .u16(0)
    .u16(0)
    .u16(entries.length)
    .u16(entries.length)
    .u32(directorySize)
    .u32(offset)
    .u16(0).done;
  parts.push(...centrals, end);
  const zip = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    zip.set(part, at);
    at += part.length;
  }
  return zip;
}

/** Little-endian fields written in order. */
class Header {
  readonly done: Uint8Array;
  private readonly view: DataView;
  private at = 0;

  constructor(length: number) {
    this.done = new Uint8Array(length);
    this.view = new DataView(this.done.buffer);
  }

  u16(value: number): this {
    this.view.setUint16(this.at, value, true);
    this.at += 2;
    return this;
  }

  u32(value: number): this {
    this.view.setUint32(this.at, value, true);
    this.at += 4;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.done.set(value, this.at);
    this.at += value.length;
    return this;
  }
}

/** MS-DOS date and time of the Beijing wall clock (two-second resolution). */
function dosTime(at: Date): { time: number; date: number } {
  const beijing = new Date(at.getTime() + 8 * 3_600_000);
  return {
    time: (beijing.getUTCHours() << 11) | (beijing.getUTCMinutes() << 5) | Math.floor(beijing.getUTCSeconds() / 2),
    date: ((beijing.getUTCFullYear() - 1980) << 9) | ((beijing.getUTCMonth() + 1) << 5) | beijing.getUTCDate(),
  };
}
