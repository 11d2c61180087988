import { BillUnreadable } from '../../../application/errors.ts';
import { concatBytes } from './bill-bytes.ts';
import { type BillEncoding, latin1, type PieceReader, pieceReader, startsWithBom } from './bill-text.ts';

// Bytes looked at, from the first one above 0x7F, before the file is taken for UTF-8: GBK text breaks
// UTF-8's sequences within its first few characters, but two GBK bytes alone can pass for one UTF-8 character.
const DECISION_BYTES = 4096;

type State = 'ascii' | 'deciding' | BillEncoding;

/**
 * A bill file's bytes made text a chunk at a time (see BillEncoding), whatever the chunks' bounds: a
 * character cut in two is decoded once both halves have come. While every byte so far is ASCII, GBK and
 * UTF-8 read the same and nothing is decided; from the first byte above 0x7F, the file is UTF-8 if it
 * starts with a BOM or the next few KB are valid UTF-8, GBK otherwise.
 */
export class BillTextDecoder {
  #state: State = 'ascii';
  #asciiBytes = 0;
  #decodedBytes = 0;
  #window: Uint8Array[] = [];
  #windowBytes = 0;
  #utf8: TextDecoder | undefined;

  constructor(private readonly file: string) {}

  /** How the text is held: 'latin1' until the file shows itself UTF-8 (ASCII is the same in both). */
  get encoding(): BillEncoding {
    return this.#state === 'utf8' ? 'utf8' : 'latin1';
  }

  /** How to read pieces of the text decoded so far. */
  get read(): PieceReader {
    return pieceReader(this.encoding);
  }

  /**
   * The text of the next chunk, '' while the encoding is being decided.
   * @throws BillUnreadable when a file taken for UTF-8 holds bytes that are not
   */
  decode(chunk: Uint8Array): string {
    switch (this.#state) {
      case 'utf8':
        return this.#utf8Text(chunk, true);
      case 'latin1':
        return latin1(chunk);
      case 'ascii':
        if (isAscii(chunk)) {
          this.#asciiBytes += chunk.length;
          return latin1(chunk);
        }
        this.#state = 'deciding';
        return this.#gather(chunk);
      case 'deciding':
        return this.#gather(chunk);
    }
  }

  /**
   * The text still held back: the bytes of an undecided file, or a character not yet complete.
   * @throws BillUnreadable when a file taken for UTF-8 ends within a character
   */
  end(): string {
    const text = this.#state === 'deciding' ? this.#decide() : '';
    return this.#state === 'utf8' ? text + this.#utf8Text(new Uint8Array(0), false) : text;
  }

  #gather(chunk: Uint8Array): string {
    this.#window.push(chunk);
    this.#windowBytes += chunk.length;
    return this.#windowBytes < DECISION_BYTES ? '' : this.#decide();
  }

  #decide(): string {
    const bytes = concatBytes(this.#window);
    this.#window = [];
    if (this.#asciiBytes === 0 && startsWithBom(bytes)) {
      // A BOM says UTF-8 even of bytes that do not all decode; the decoder drops the BOM itself.
      this.#utf8 = new TextDecoder('utf-8');
      this.#state = 'utf8';
      return this.#utf8Text(bytes, true);
    }
    this.#utf8 = new TextDecoder('utf-8', { fatal: true });
    try {
      const text = this.#utf8.decode(bytes, { stream: true });
      this.#state = 'utf8';
      this.#decodedBytes = this.#asciiBytes + bytes.length;
      return text;
    } catch {
      this.#state = 'latin1';
      return latin1(bytes);
    }
  }

  #utf8Text(bytes: Uint8Array, stream: boolean): string {
    try {
      const text = this.#utf8!.decode(bytes, { stream });
      this.#decodedBytes += bytes.length;
      return text;
    } catch {
      const where = stream
        ? `its first ${this.#decodedBytes} bytes read as UTF-8, the ${bytes.length} after them do not`
        : 'it ends within a UTF-8 character';
      throw new BillUnreadable(`the bill's detail file ${this.file} is not UTF-8 throughout: ${where}`);
    }
  }
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}
