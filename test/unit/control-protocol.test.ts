import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import {
  asRequest,
  encodeFrame,
  FrameReader,
  MAX_FRAME_CHARS,
  MAX_REQUEST_CHARS,
  newToken,
  tokenMatches,
} from '../../src/cli/control/control-protocol.ts';

describe('the control protocol: one JSON value a line', () => {
  it('reads back what it encodes, lines with newlines and Chinese inside included', () => {
    const replies = [{ stdout: 'payments: asked Alipay\n  outcome  paid' }, { stderr: '交易不存在' }, { exit: 3 }];
    const reader = new FrameReader();
    assert.deepEqual(reader.push(Buffer.from(replies.map(encodeFrame).join(''))), replies);
  });

  it('keeps a frame, and a character, split across chunks whole', () => {
    const bytes = Buffer.from(encodeFrame({ stderr: '已处理' }));
    const reader = new FrameReader();
    // Inside the first character's three bytes, then before the newline.
    assert.deepEqual(reader.push(bytes.subarray(0, 12)), []);
    assert.deepEqual(reader.push(bytes.subarray(12, bytes.length - 1)), []);
    assert.deepEqual(reader.push(bytes.subarray(bytes.length - 1)), [{ stderr: '已处理' }]);
  });

  it('refuses a line longer than a request can be, before it ends', () => {
    const reader = new FrameReader();
    assert.throws(() => reader.push(Buffer.alloc(MAX_FRAME_CHARS + 1, 'a')), /a line of over/);
    assert.throws(() => new FrameReader(MAX_REQUEST_CHARS).push('a'.repeat(MAX_REQUEST_CHARS + 1)), /a line of over 65536 characters/);
  });

  it('takes a request only with a token, a command, argv of strings and stdin as text or null', () => {
    const request = { token: 't', command: 'payments', argv: ['query', '1'], stdin: null };
    assert.deepEqual(asRequest(request), request);
    assert.deepEqual(asRequest({ ...request, stdin: 'secret\n' }), { ...request, stdin: 'secret\n' });
    for (const bad of [
      null,
      'payments',
      { ...request, token: 1 },
      { ...request, argv: 'query' },
      { ...request, argv: [1] },
      { ...request, stdin: undefined },
    ]) {
      assert.equal(asRequest(bad), null, JSON.stringify(bad));
    }
  });
});

describe('the control token', () => {
  it('matches itself only: not a prefix, not a longer text, not empty', () => {
    const token = newToken();
    assert.equal(tokenMatches(token, token), true);
    assert.equal(tokenMatches(token, token.slice(0, -1)), false);
    assert.equal(tokenMatches(token, `${token}x`), false);
    assert.equal(tokenMatches(token, ''), false);
  });

  it('is new each time, and long enough not to be guessed (256 bits)', () => {
    const token = newToken();
    assert.notEqual(token, newToken());
    assert.equal(Buffer.from(token, 'base64url').length, 32);
  });
});
