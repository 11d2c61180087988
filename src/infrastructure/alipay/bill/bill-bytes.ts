/** Consecutive pieces of `bytes`, each `size` long but the last; views, not copies. */
export function* slicesOf(bytes: Uint8Array, size: number): Generator<Uint8Array, void, void> {
  checkedSliceSize(size);
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

export function checkedSliceSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`a slice is a whole number of bytes above 0, not ${size}`);
  return size;
}

/** The chunks one after the other, in one array (the chunk itself when there is one). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
