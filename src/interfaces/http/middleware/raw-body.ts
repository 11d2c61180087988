import type { Context } from 'koa';
import { PayloadTooLarge } from './http-errors.ts';

/**
 * The request body's exact bytes, whatever its Content-Type claims: Alipay sends
 * `application/x-www-form-urlencoded; text/html; charset=UTF-8`, which body parsers refuse.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Uint8Array> {
  if (Number(ctx.get('Content-Length') || 0) > limit) throw new PayloadTooLarge(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLarge(limit);
    chunks.push(chunk);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
