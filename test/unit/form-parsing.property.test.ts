import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApplicationError, MalformedCallback } from '../../src/application/errors.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { decodeForm } from '../../src/infrastructure/alipay/form-decoding.ts';

const parser = new FormCallbackParser();
const key = fc.stringMatching(/^[a-z_]{1,12}$/).filter((k) => k !== 'charset');
const value = fc.string({ unit: 'grapheme', maxLength: 40 });
const distinctParams = fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 12 });

describe('form parsing, for any input', () => {
  it('throws nothing but MalformedCallback on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        parser.parse(bytes);
      } catch (error) {
        assert.ok(error instanceof ApplicationError && error.code === 'MALFORMED_CALLBACK', String(error));
      }
    }), { numRuns: 2000 });
  });

  it('throws nothing but MalformedCallback on arbitrary text shaped like a query', () => {
    const piece = fc.oneof(fc.constantFrom('&', '=', '%', '+', '%2', '%zz', '%00', '__proto__', 'constructor', 'a[]', 'sign', 'charset=gbk', 'charset=x'), fc.string({ maxLength: 8 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
      try {
        parser.parse(new Uint8Array(Buffer.from(pieces.join(''), 'utf8')));
      } catch (error) {
        assert.ok(error instanceof MalformedCallback, String(error));
      }
    }), { numRuns: 2000 });
  });

  it('decodes exactly what URLSearchParams encoded: encoding and decoding round-trip', () => {
    fc.assert(fc.property(distinctParams, (params) => {
      const encoded = new URLSearchParams(params).toString();
      const fields = parser.parse(new TextEncoder().encode(encoded)).fields;
      assert.deepEqual([...fields], params);
    }), { numRuns: 1000 });
  });

  it('always detects a repeated key, wherever it stands', () => {
    fc.assert(fc.property(distinctParams.filter((p) => p.length > 0), fc.nat(), value, (params, at, second) => {
      const [repeated] = params[at % params.length]!;
      const encoded = `${new URLSearchParams(params)}&${new URLSearchParams([[repeated, second]])}`;
      assert.throws(() => decodeForm(new TextEncoder().encode(encoded)), MalformedCallback);
    }), { numRuns: 1000 });
  });

  it('signs the sorted non-empty pairs other than sign and sign_type, byte for byte', () => {
    fc.assert(fc.property(distinctParams, (params) => {
      const callback = parser.parse(new TextEncoder().encode(new URLSearchParams(params).toString()));
      const expected = params.filter(([k, v]) => k !== 'sign' && k !== 'sign_type' && v !== '').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
      assert.equal(Buffer.from(callback.signedContents[0]!).toString('utf8'), expected);
    }), { numRuns: 1000 });
  });
});
