import type { Context } from 'koa';
import { readAtMost } from '../../../shared/read-at-most.ts';
import { PayloadTooLarge } from './http-errors.ts';

/**
 * The request body's exact bytes, whatever its Content-Type claims: Alipay sends
 * `application/x-www-form-urlencoded; text/html; charset=UTF-8`, which body parsers refuse.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Uint8Array> {
  if (Number(ctx.get('Content-Length') || 0) > limit) throw new PayloadTooLarge(limit);
  return readAtMost(ctx.req, limit, () => new PayloadTooLarge(limit));
}
