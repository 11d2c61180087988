import { createServer, type Server } from 'node:http';

export interface ServerLimits {
  /** A socket silent this long is closed, whether or not it ever sent a byte. */
  readonly idleTimeoutMs?: number;
  /** Connections beyond this are refused, so that descriptors remain for the database and the logs. */
  readonly maxConnections?: number;
  /** A request whose headers have not all arrived this long after it began is closed (408). */
  readonly headersTimeoutMs?: number;
}

// Node enforces headersTimeout and requestTimeout only when it checks its connections (every 30 s by
// default): a client trickling one header byte a second held a socket for 37 s, not 10.
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/** Node's HTTP server with limits against slow, silent and oversized clients. */
export function createHttpServer({ idleTimeoutMs = 15_000, maxConnections = 900, headersTimeoutMs = 10_000 }: ServerLimits = {}): Server {
  // Room for a 16 KB query plus headers, so that an overlong query meets our 414, not Node's 431.
  const server = createServer({ maxHeaderSize: 32 * 1024, connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS });
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // headersTimeout only counts once a request has begun; a socket that never sends would stay open.
  server.timeout = idleTimeoutMs;
  server.maxConnections = maxConnections;
  return server;
}
