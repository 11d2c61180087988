import { Inflate } from 'fflate';
import { BillUnreadable } from '../../../application/errors.ts';
import { checkedSliceSize, slicesOf } from './bill-bytes.ts';

export interface InflateLimits {
  /** The most bytes the detail file may inflate to. */
  readonly maxBytes: number;
  /** The most times its own compressed size it may inflate to. */
  readonly maxRatio: number;
}

// A day of a very large merchant is a few hundred MB of CSV; past this it is not a bill, or not one for
// this process. A CSV of bill rows deflates about 5 to 20 times; a zip bomb, hundreds to a thousand times.
export const BILL_INFLATE_LIMITS: InflateLimits = { maxBytes: 400 * 1024 * 1024, maxRatio: 100 };
// Deflate at its densest writes about 1,032 bytes per byte read (a 258-byte match in two bits). Each
// slice is as large as cannot inflate past the limit, from 16 KB far from it down to 1 KB near it: a
// bomb is stopped about a megabyte past a limit, never after, and a bill is inflated in few steps.
const MAX_DEFLATE_RATIO = 1032;
const MIN_DEFLATED_SLICE_BYTES = 1024;
const MAX_DEFLATED_SLICE_BYTES = 16 * 1024;
// A stored entry's size is known before reading it: it is cut only so that its text is decoded a piece at a time.
const STORED_SLICE_BYTES = 64 * 1024;

/** A zip entry's name and its bytes as the archive holds them. */
export interface CompressedEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly data: Uint8Array;
}

/**
 * The entry's inflated bytes, in order, a slice of its compressed bytes at a time (`sliceBytes`, or
 * 1 to 16 KB deflated and 64 KB stored). What each slice inflates to is counted before it is handed on:
 * past `limits.maxBytes`, or `limits.maxRatio` times the compressed size, the entry is refused and
 * nothing more is inflated.
 * @throws BillUnreadable when the entry passes a limit, does not inflate, or is neither stored nor deflated
 */
export function* inflatedSlices(
  entry: CompressedEntry,
  limits: InflateLimits = BILL_INFLATE_LIMITS,
  sliceBytes?: number,
): Generator<Uint8Array, void, void> {
  const { name, method, data } = entry;
  const limit = Math.min(limits.maxBytes, Math.max(data.length, 1) * limits.maxRatio);
  const tooLarge = () =>
    new BillUnreadable(
      `the bill's detail file ${name} inflates past ${limit} bytes from ${data.length} compressed: refused, ` +
        `as a bill is at most ${limits.maxBytes} bytes and ${limits.maxRatio} times its compressed size (a zip bomb, or not a bill)`,
    );
  if (method === 0) {
    if (data.length > limits.maxBytes) throw tooLarge();
    yield* slicesOf(data, sliceBytes ?? STORED_SLICE_BYTES);
    return;
  }
  if (method !== 8) throw new BillUnreadable(`the bill's zip ${name} uses compression method ${method}, not deflate`);
  let produced: Uint8Array[] = [];
  let inflated = 0;
  let refusal: BillUnreadable | undefined;
  const inflate = new Inflate((chunk) => {
    if (refusal) return;
    inflated += chunk.length;
    if (inflated > limit) refusal = tooLarge();
    else if (chunk.length > 0) produced.push(chunk);
  });
  if (sliceBytes !== undefined) checkedSliceSize(sliceBytes);
  for (let offset = 0, end = 0; offset < data.length; offset = end) {
    end = Math.min(offset + (sliceBytes ?? deflatedSliceBytes(limit - inflated)), data.length);
    try {
      inflate.push(data.subarray(offset, end), end === data.length);
    } catch (error) {
      refusal ??= new BillUnreadable(`the bill's zip ${name} does not inflate (${(error as Error).message})`);
    }
    if (refusal) throw refusal;
    const ready = produced;
    produced = [];
    yield* ready;
  }
}

function deflatedSliceBytes(headroom: number): number {
  return Math.min(MAX_DEFLATED_SLICE_BYTES, Math.max(MIN_DEFLATED_SLICE_BYTES, Math.floor(headroom / MAX_DEFLATE_RATIO)));
}
