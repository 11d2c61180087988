import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientKey, RateLimiter } from '../../src/interfaces/http/middleware/rate-limiter.ts';

describe('RateLimiter', () => {
  it('locks a key past its limit until the window ends, and counts keys apart', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    assert.deepEqual([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')], [0, 0, 60]);
    assert.equal(limiter.retryAfter('a'), 60);
    assert.equal(limiter.retryAfter('b'), 0);
    now = 59_001;
    assert.equal(limiter.retryAfter('a'), 1);
    now = 60_000;
    assert.equal(limiter.retryAfter('a'), 0);
  });

  it('keeps its lockouts when a flood of fresh addresses fills it', () => {
    const limiter = new RateLimiter(3, 60_000, () => 0);
    for (let i = 0; i < 4; i++) limiter.hit('guesser');
    for (let i = 0; i < 20_000; i++) limiter.hit(`198.51.${i >> 8}.${i & 255}`);
    assert.ok(limiter.retryAfter('guesser') > 0);
  });
});

describe('clientKey', () => {
  it('counts IPv4 by address and IPv6 by its /64, however it is written', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
  });
});
