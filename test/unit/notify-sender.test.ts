import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import pino from 'pino';
import { NotifySender } from '../../src/sandbox/notify-sender.ts';

describe('the sandbox NotifySender', () => {
  it("retries an unacknowledged notify on Alipay's schedule (4m 10m 10m 1h 2h 6h 15h), eight tries in all", async () => {
    const arrivals: number[] = [];
    const server = createServer((request, response) => {
      arrivals.push(performance.now());
      request.resume();
      response.end('failure');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const millisPerMinute = 1;
    const sender = new NotifySender(pino({ level: 'silent' }), millisPerMinute / 1000);
    try {
      const delivery = sender.send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/payment/notify/`, { trade_no: 'T1' });
      for (let i = 0; i < 1000 && delivery.attempts < 8; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 300)); // long enough for a ninth try, were one scheduled
      assert.equal(arrivals.length, 8);
      assert.equal(delivery.delivered, false);
      const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
      const alipayMinutes = [4, 10, 10, 60, 120, 360, 900];
      gaps.forEach((gap, i) => {
        assert.ok(gap >= alipayMinutes[i]! * millisPerMinute - 1, `retry ${i + 1} came after ${gap.toFixed(1)} ms`);
      });
    } finally {
      sender.close();
      server.close();
    }
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
