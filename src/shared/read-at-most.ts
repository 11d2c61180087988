/**
 * Every chunk of `source` joined into one array, for bodies whose exact bytes matter (a signature is
 * checked over them). As soon as they pass `maxBytes`, reading stops and `tooLarge()` is thrown: leaving
 * the loop cancels a fetch body and destroys a request stream.
 */
export async function readAtMost(source: AsyncIterable<Uint8Array>, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const joined = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}
