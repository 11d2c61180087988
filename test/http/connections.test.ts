import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createHttpServer } from '../../src/interfaces/http/http-server.ts';
import { elapsedMs } from '../support/clock.ts';

async function listening(limits: Parameters<typeof createHttpServer>[0]) {
  const server = createHttpServer(limits);
  server.on('request', (_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Milliseconds until the server closes the socket, or Infinity when it is still open after `waitMs`. */
function closedAfter(socket: Socket, waitMs: number): Promise<number> {
  const started = elapsedMs();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(Infinity), waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(elapsedMs() - started);
    });
    socket.on('error', () => undefined);
  });
}

describe('connection limits', () => {
  it('close silent sockets, whether they sent nothing or half a request', async () => {
    const { server, port } = await listening({ idleTimeoutMs: 300 });
    try {
      const silent = connect(port, '127.0.0.1');
      const halfway = connect(port, '127.0.0.1', () => halfway.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
      const [a, b] = await Promise.all([closedAfter(silent, 5_000), closedAfter(halfway, 5_000)]);
      assert.ok(a < 5_000 && b < 5_000, `closed after ${a} and ${b} ms`);
    } finally {
      server.close();
    }
  });

  it('close a client that trickles its headers a byte at a time, at the headers timeout', async () => {
    const { server, port } = await listening({ headersTimeoutMs: 1_500 });
    const trickler = connect(port, '127.0.0.1');
    const request = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(100)}`;
    let sent = 0;
    // A byte every 200 ms: never silent long enough for the idle timeout, never done with its headers.
    const timer = setInterval(() => trickler.writable && trickler.write(request[sent++ % request.length]!), 200);
    try {
      const closedMs = await closedAfter(trickler, 8_000);
      assert.ok(closedMs < 1_500 + 1_000 + 1_000, `closed after ${closedMs} ms (headers timeout 1.5 s, checked every second)`);
    } finally {
      clearInterval(timer);
      trickler.destroy();
      server.close();
    }
  });

  it('refuse connections over the cap and serve again below it', async () => {
    const { server, port } = await listening({ maxConnections: 2 });
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        await new Promise((resolve) => socket.once('connect', resolve));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const third = connect(port, '127.0.0.1');
      sockets.push(third);
      assert.ok((await closedAfter(third, 2_000)) < 2_000, 'the third connection is closed at once');
      sockets[0]!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'ok');
    } finally {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      server.close();
    }
  });

  it('default to a 15 s idle timeout and 900 connections', () => {
    const server = createHttpServer();
    assert.equal(server.timeout, 15_000);
    assert.equal(server.maxConnections, 900);
    assert.equal(server.headersTimeout, 10_000);
  });
});
