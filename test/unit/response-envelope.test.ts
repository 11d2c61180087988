import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { readEnvelope } from '../../src/infrastructure/alipay/response-envelope.ts';

const KEY = 'alipay_trade_query_response';
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const signed = (text: string) => {
  const envelope = readEnvelope(bytes(text), KEY);
  assert.notEqual(typeof envelope, 'string', String(envelope));
  return envelope as Exclude<typeof envelope, string>;
};

describe('readEnvelope', () => {
  it('cuts out the response object byte for byte, spacing, key order and escapes as received', () => {
    const object = '{ "code":"10000", "msg" : "Success","subject":"美多\\u5546\\u57ce {a} [b] \\"c\\"","n":1.50 ,"list":[{"x":"}"}]}';
    const envelope = signed(`{"${KEY}":${object},"sign":"c2lnbg=="}`);
    assert.equal(Buffer.from(envelope.signedBytes).toString('utf8'), object);
    assert.equal(envelope.sign, 'c2lnbg==');
    assert.equal(envelope.response.subject, '美多商城 {a} [b] "c"');
  });

  it('finds the object whichever comes first, with whitespace and other members around it', () => {
    const object = '{"code":"40004","sub_code":"ACQ.TRADE_NOT_EXIST"}';
    const envelope = signed(` {\n "sign" : "AAAA" ,\n "alipay_cert_sn":"x\\"}",\n "${KEY}" : ${object}\n}\n`);
    assert.equal(Buffer.from(envelope.signedBytes).toString(), object);
    assert.equal(envelope.sign, 'AAAA');
  });

  it('reads an unsigned answer as sign ""', () => {
    assert.equal(signed(`{"${KEY}":{"code":"40002"}}`).sign, '');
  });

  it('refuses what is not an envelope, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['<html>502 Bad Gateway</html>', /not JSON/],
      ['', /not JSON/],
      ['[1]', /not a JSON object/],
      ['{"other_response":{}}', /has no alipay_trade_query_response/],
      [`{"${KEY}":"text","sign":"x"}`, /is not an object/],
      [
        `{"${KEY}":{"code":"10000","trade_status":"WAIT_BUYER_PAY"},"${KEY}":{"code":"10000","trade_status":"TRADE_SUCCESS"},"sign":"x"}`,
        /twice/,
      ],
    ];
    for (const [body, why] of cases) {
      const envelope = readEnvelope(bytes(body), KEY);
      assert.equal(typeof envelope, 'string', body);
      assert.match(envelope as string, why, body);
    }
    assert.match(readEnvelope(new Uint8Array([0x7b, 0xff, 0x7d]), KEY) as string, /not JSON/, 'bytes that are not UTF-8');
  });
});
