import { createServer, type Server } from 'node:http';

export interface ServerLimits {
  /** A socket silent this long is closed, whether or not it ever sent a byte. */
  readonly idleTimeoutMs?: number;
  /** Connections beyond this are refused, so that descriptors remain for the database and the logs. */
  readonly maxConnections?: number;
}

/** Node's HTTP server with limits against slow, silent and oversized clients. */
export function createHttpServer({ idleTimeoutMs = 15_000, maxConnections = 900 }: ServerLimits = {}): Server {
  // Room for a 16 KB query plus headers, so that an overlong query meets our 414, not Node's 431.
  const server = createServer({ maxHeaderSize: 32 * 1024 });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // headersTimeout only counts once a request has begun; a socket that never sends would stay open.
  server.timeout = idleTimeoutMs;
  server.maxConnections = maxConnections;
  return server;
}
