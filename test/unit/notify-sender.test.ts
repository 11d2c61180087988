import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import pino from 'pino';
import { NotifySender, RETRY_SECONDS } from '../../src/sandbox/notify-sender.ts';

describe('the sandbox NotifySender', () => {
  it("follows Alipay's schedule, eight tries in all", () => {
    assert.deepEqual(RETRY_SECONDS, [4, 10, 10, 60, 120, 360, 900]);
  });

  it("posts with Alipay's Content-Type and retries until the reply is exactly success", async () => {
    const received: Array<{ contentType: string; body: string }> = [];
    const replies = ['failure', 'success ', 'success'];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ contentType: request.headers['content-type'] ?? '', body });
        response.end(replies[received.length - 1]);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sender = new NotifySender(pino({ level: 'silent' }), 0.001);
    try {
      const delivery = sender.send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/payment/notify/`, {
        trade_no: 'T1',
        subject: '美多 a+b',
      });
      for (let i = 0; i < 200 && !delivery.delivered; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(delivery.delivered, true);
      assert.equal(delivery.attempts, 3);
      assert.equal(received[0]!.contentType, 'application/x-www-form-urlencoded; text/html; charset=UTF-8');
      assert.equal(new URLSearchParams(received[0]!.body).get('subject'), '美多 a+b');
    } finally {
      sender.close();
      server.close();
    }
  });
});
