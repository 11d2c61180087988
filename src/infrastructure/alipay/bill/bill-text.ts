import { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * How a bill file's text is held. Alipay writes GBK, in which every byte of a multi-byte character is
 * 0x81 or above (0x40 or above for the second): no GBK character holds a comma, a quote, a tab, CR, LF
 * or `#`. So a GBK file is split into lines and cells as Latin-1, one character per byte ('latin1'), and
 * only the cells read as text are decoded: this spares decoding a whole day of ids and amounts. A UTF-8
 * file (with a BOM, or valid UTF-8 without one) is decoded as it comes ('utf8'). The CSV reader turns
 * the text back into bytes, and its cells into strings, by the same name.
 */
export type BillEncoding = 'latin1' | 'utf8';

/** The real text of a piece of a line (a cell, or a whole line), trimmed of spaces, tabs and CR. */
export type PieceReader = (piece: string) => string;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const HIGH_BYTE = /[\x80-\xff]/;

const readUtf8: PieceReader = (piece) => piece.trim();
// Decoded before trimming: 0xA0, a space to String.trim in Latin-1, is a GBK byte too. GB18030 reads GBK and more.
const readGbk: PieceReader = (piece) => (HIGH_BYTE.test(piece) ? iconv.decode(Buffer.from(piece, 'latin1'), 'gb18030') : piece).trim();

export function pieceReader(encoding: BillEncoding): PieceReader {
  return encoding === 'utf8' ? readUtf8 : readGbk;
}

export function startsWithBom(bytes: Uint8Array): boolean {
  return UTF8_BOM.every((byte, i) => bytes[i] === byte);
}

/** One character per byte: GBK's Latin-1 stand-ins, or ASCII as it is. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The text of a few bytes, such as a zip entry name: GBK, or UTF-8 when they are valid UTF-8. */
export function decodeBillText(bytes: Uint8Array): string {
  // TextDecoder drops a leading BOM itself; a BOM says UTF-8 even of bytes that do not all decode.
  if (startsWithBom(bytes)) return readUtf8(new TextDecoder('utf-8').decode(bytes));
  try {
    return readUtf8(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return readGbk(latin1(bytes));
  }
}
