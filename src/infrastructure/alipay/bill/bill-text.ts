import { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const HIGH_BYTE = /[\x80-\xff]/;

/**
 * A bill file's text, kept as cheap to split as possible. Alipay writes GBK, in which every byte of a
 * multi-byte character is 0x81 or above (0x40 or above for the second): no GBK character holds a comma,
 * a quote, a tab, CR, LF or `#`. So a GBK file is split into lines and cells as Latin-1, one character
 * per byte, and only the cells read as text are decoded: this spares decoding a whole day of ids and
 * amounts. A UTF-8 file (with a BOM, or valid UTF-8 without one) is decoded at once.
 */
export interface BillText {
  /** The file's text: Latin-1 stand-ins for GBK bytes, or the decoded UTF-8. */
  readonly text: string;
  /** How the CSV reader must turn `text` back into bytes and its cells into strings. */
  readonly encoding: 'latin1' | 'utf8';
  /** The real text of a piece of `text` (a line or a cell), trimmed of spaces, tabs and CR. */
  read(piece: string): string;
}

export function billText(bytes: Uint8Array): BillText {
  if (UTF8_BOM.every((byte, i) => bytes[i] === byte)) return utf8(new TextDecoder('utf-8').decode(bytes.subarray(3)));
  try {
    // GBK text is essentially never valid UTF-8 (its bytes break UTF-8's sequences at the first Chinese
    // character), so the attempt on a GBK file costs next to nothing.
    return utf8(strictUtf8.decode(bytes));
  } catch {
    return {
      text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
      encoding: 'latin1',
      // Decoded before trimming: 0xA0, a space to String.trim in Latin-1, is a GBK byte too. GB18030 reads GBK and more.
      read: (piece) => (HIGH_BYTE.test(piece) ? iconv.decode(Buffer.from(piece, 'latin1'), 'gb18030') : piece).trim(),
    };
  }
}

/** The text of a few bytes, such as a zip entry name: GBK, or UTF-8 when they are valid UTF-8. */
export function decodeBillText(bytes: Uint8Array): string {
  const { text, read } = billText(bytes);
  return read(text);
}

function utf8(text: string): BillText {
  return { text, encoding: 'utf8', read: (piece) => piece.trim() };
}
