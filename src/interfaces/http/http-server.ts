import { createServer, type Server } from 'node:http';

/** Node's HTTP server with limits against slow and oversized clients. */
export function createHttpServer(): Server {
  // Room for a 16 KB query plus headers, so that an overlong query meets our 414, not Node's 431.
  const server = createServer({ maxHeaderSize: 32 * 1024 });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
