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
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parser.parse(bytes);
        } catch (error) {
          assert.ok(error instanceof ApplicationError && error.code === 'MALFORMED_CALLBACK', String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but MalformedCallback on arbitrary text shaped like a query', () => {
    const piece = fc.oneof(
      fc.constantFrom('&', '=', '%', '+', '%2', '%zz', '%00', '__proto__', 'constructor', 'a[]', 'sign', 'charset=gbk', 'charset=x'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        try {
          parser.parse(new Uint8Array(Buffer.from(pieces.join(''), 'utf8')));
        } catch (error) {
          assert.ok(error instanceof MalformedCallback, String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes exactly what URLSearchParams encoded: encoding and decoding round-trip', () => {
    fc.assert(
      fc.property(distinctParams, (params) => {
        const encoded = new URLSearchParams(params).toString();
        const fields = parser.parse(new TextEncoder().encode(encoded)).fields;
        assert.deepEqual([...fields], params);
      }),
      { numRuns: 1000 },
    );
  });

  it('always detects a repeated key, wherever it stands', () => {
    fc.assert(
      fc.property(
        distinctParams.filter((p) => p.length > 0),
        fc.nat(),
        value,
        (params, at, second) => {
          const [repeated] = params[at % params.length]!;
          const encoded = `${new URLSearchParams(params)}&${new URLSearchParams([[repeated, second]])}`;
          assert.throws(() => decodeForm(new TextEncoder().encode(encoded)), MalformedCallback);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('signs the sorted non-empty pairs other than sign and sign_type, byte for byte', () => {
    fc.assert(
      fc.property(distinctParams, (params) => {
        const callback = parser.parse(new TextEncoder().encode(new URLSearchParams(params).toString()));
        const expected = params
          .filter(([k, v]) => k !== 'sign' && k !== 'sign_type' && v !== '')
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join('&');
        assert.equal(Buffer.from(callback.signedContents[0]!).toString('utf8'), expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('folded fields: one signature never fits another set of fields', () => {
  const signedKey = fc.stringMatching(/^[a-z_]{1,10}$/).filter((k) => k !== 'charset' && k !== 'sign' && k !== 'sign_type');
  const signedValue = fc.oneof(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom('2026-11-26 15:30:11', '0.01', 'a=b', 'x&y', '=', '&'),
  );
  const message = fc.uniqueArray(fc.tuple(signedKey, signedValue), { selector: ([k]) => k, minLength: 1, maxLength: 8 });

  it('marks a refund notify whose refund fields are folded into the value before them as ambiguous', () => {
    const folded = 'gmt_payment=2026-11-26%2015%3A30%3A11%26gmt_refund%3D2026-11-27%2010%3A00%3A00%26refund_fee%3D88.80&out_trade_no=1';
    assert.match(parser.parse(new TextEncoder().encode(folded)).ambiguity!, /holds '&name='/);
    assert.match(parser.parse(new TextEncoder().encode('gmt_payment%3Dx%26gmt_refund=y')).ambiguity!, /holds '&' or '='/);
  });

  it('accepts no re-split of a signed text with other fields than the original', () => {
    const acceptable = message.filter((params) => {
      try {
        return parser.parse(new TextEncoder().encode(new URLSearchParams(params).toString())).ambiguity === null;
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(acceptable, fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), (params, choices) => {
        const signedText = params
          .slice()
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join('&');
        // Cut the signed text at some of its '&' into pairs, and each pair at one of its '=' into key and value.
        const [first, ...rest] = signedText.split('&');
        const segments = [first!];
        rest.forEach((part, i) => {
          if (choices[(i + 1) % choices.length]! % 3 === 0) segments[segments.length - 1] += `&${part}`;
          else segments.push(part);
        });
        const rearranged = segments.map((segment, i) => {
          const cuts = [...segment.matchAll(/=/g)].map((m) => m.index!);
          if (cuts.length === 0) return null;
          const cut = cuts[choices[(i + 7) % choices.length]! % cuts.length]!;
          return [segment.slice(0, cut), segment.slice(cut + 1)] as [string, string];
        });
        if (rearranged.some((pair) => pair === null || pair[0] === '' || pair[1] === '')) return;
        const keys = rearranged.map((pair) => pair![0]);
        if (new Set(keys).size !== keys.length || keys.some((k) => k === 'charset' || k === 'sign' || k === 'sign_type')) return;
        let accepted: ReturnType<typeof parser.parse>;
        try {
          accepted = parser.parse(new TextEncoder().encode(new URLSearchParams(rearranged as [string, string][]).toString()));
        } catch (error) {
          assert.ok(error instanceof MalformedCallback, String(error));
          return;
        }
        // An ambiguous message is refused once its signature has been examined: it is never accepted.
        if (accepted.ambiguity !== null || Buffer.from(accepted.signedContents[0]!).toString('utf8') !== signedText) return;
        assert.deepEqual(new Map([...accepted.fields].sort()), new Map(params.slice().sort()));
      }),
      { numRuns: 3000 },
    );
  });
});
