import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from 'koa';
import pino from 'pino';
import { clientAddress } from '../../src/interfaces/http/middleware/client-address.ts';

/** A request from `peer`, with X-Forwarded-For when given. */
function request(peer: string, forwardedFor?: string) {
  const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const req = { headers, socket: { remoteAddress: peer }, connection: { remoteAddress: peer } };
  const ctx = { req, request: { ip: peer }, get: (name: string) => headers[name.toLowerCase()] ?? '' };
  return ctx as unknown as Context & { request: { ip: string } };
}

function withLog(trustedProxies: readonly string[]) {
  const lines: Array<{ level: number; msg: string; peer?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { middleware: clientAddress(trustedProxies, logger), warnings: () => lines.filter((line) => line.level === 40) };
}

describe('clientAddress', () => {
  it('takes the client from X-Forwarded-For behind a trusted proxy, and warns of nothing', async () => {
    const { middleware, warnings } = withLog(['10.0.0.0/8']);
    const ctx = request('10.0.0.5', '203.0.113.7');
    await middleware(ctx, async () => {});
    assert.equal(ctx.request.ip, '203.0.113.7');
    assert.deepEqual(warnings(), []);
  });

  it('ignores X-Forwarded-For from a peer not trusted, and says so once, naming the peer', async () => {
    for (const trusted of [[], ['10.0.0.0/8']]) {
      const { middleware, warnings } = withLog(trusted);
      for (const client of ['203.0.113.7', '203.0.113.8']) {
        const ctx = request('192.0.2.1', client);
        await middleware(ctx, async () => {});
        assert.equal(ctx.request.ip, '192.0.2.1', 'the socket address stands');
      }
      await middleware(request('192.0.2.1'), async () => {});
      assert.equal(warnings().length, 1, `trusted ${JSON.stringify(trusted)}: one warning however many requests`);
      assert.equal(warnings()[0]!.peer, '192.0.2.1');
      assert.match(warnings()[0]!.msg, /TRUSTED_PROXIES/);
    }
  });

  it('warns of nothing when no request carries X-Forwarded-For', async () => {
    const { middleware, warnings } = withLog([]);
    for (let i = 0; i < 3; i++) await middleware(request('192.0.2.1'), async () => {});
    assert.deepEqual(warnings(), []);
  });
});
