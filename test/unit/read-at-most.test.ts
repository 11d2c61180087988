import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAtMost } from '../../src/shared/read-at-most.ts';

class TooLarge extends Error {}
const tooLarge = () => new TooLarge();
const bytes = (...values: number[]) => new Uint8Array(values);

/** Chunks as a request stream gives them, counting how many were pulled and whether reading was stopped. */
function source(chunks: Uint8Array[]) {
  const seen = { pulled: 0, stopped: false };
  async function* read() {
    try {
      for (const chunk of chunks) {
        seen.pulled++;
        yield chunk;
      }
    } finally {
      seen.stopped = true;
    }
  }
  return { stream: read(), seen };
}

describe('readAtMost', () => {
  it('joins the chunks into one array, byte for byte, up to the limit exactly', async () => {
    const { stream } = source([bytes(1, 2), bytes(), bytes(3), bytes(4, 5, 6)]);
    assert.deepEqual(await readAtMost(stream, 6, tooLarge), bytes(1, 2, 3, 4, 5, 6));
    assert.deepEqual(await readAtMost(source([]).stream, 0, tooLarge), bytes());
  });

  it('throws tooLarge() on the chunk that passes the limit, and pulls nothing after it', async () => {
    const { stream, seen } = source([bytes(1, 2, 3), bytes(4, 5), bytes(6), bytes(7)]);
    await assert.rejects(readAtMost(stream, 4, tooLarge), TooLarge);
    assert.deepEqual(seen, { pulled: 2, stopped: true });
  });

  it('cancels a fetch body (a ReadableStream) that passes the limit', async () => {
    let cancelled = false;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    await assert.rejects(readAtMost(body, 10 * 1024, tooLarge), TooLarge);
    assert.ok(cancelled, 'the stream was cancelled');
    assert.ok(sent <= 12, `read ${sent} KB of an endless body`);
  });
});
