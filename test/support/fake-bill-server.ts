import { Buffer } from 'node:buffer';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where bill_download_url points: a plain HTTP server whose answer each test sets. */
export class FakeBillServer {
  status = 200;
  body: Uint8Array = new Uint8Array(0);
  delayMs = 0;
  requests = 0;
  private readonly server: Server = createServer((_request, response) => {
    this.requests++;
    const timer = setTimeout(() => {
      response.writeHead(this.status, { 'Content-Type': 'application/octet-stream' });
      response.end(Buffer.from(this.body));
    }, this.delayMs);
    response.on('close', () => clearTimeout(timer));
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(day = '2026-11-30'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/downloadBillFile.resource?bizType=trade&bizDates=${day.replaceAll('-', '')}&fileType=csv.zip`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
