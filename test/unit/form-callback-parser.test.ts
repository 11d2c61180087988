import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { MalformedCallback } from '../../src/application/errors.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';

const parser = new FormCallbackParser();
const parse = (raw: string) => parser.parse(new Uint8Array(Buffer.from(raw, 'latin1')));
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('FormCallbackParser', () => {
  it('builds the sorted sign content without sign and sign_type, as docs/alipay.md describes', () => {
    const callback = parse(
      'total_amount=3798.00&timestamp=2018-09-17+09%3A52%3A40&sign=abc%2B%2F%3D&sign_type=RSA2&app_id=1&charset=utf-8',
    );
    assert.deepEqual(callback.signedContents.map(text), ['app_id=1&charset=utf-8&timestamp=2018-09-17 09:52:40&total_amount=3798.00']);
    assert.equal(callback.sign, 'abc+/=');
    assert.equal(callback.signType, 'RSA2');
  });

  it('decodes exactly once: + is a space, %2B a plus, %25 a percent', () => {
    const callback = parse('passback_params=a%2Bb+c%25d&x=%2541');
    assert.equal(callback.fields.get('passback_params'), 'a+b c%d');
    assert.equal(callback.fields.get('x'), '%41');
    assert.equal(text(callback.signedContents[0]!), 'passback_params=a+b c%d&x=%41');
  });

  it('keeps = and & that arrive escaped inside values', () => {
    const callback = parse('body=k%3Dv%26%20w%26%3Dz&a=1');
    assert.equal(callback.fields.get('body'), 'k=v& w&=z');
    assert.equal(text(callback.signedContents[0]!), 'a=1&body=k=v& w&=z');
  });

  it('marks a value holding &name= and a name holding & or = as ambiguous: their sign content reads as other parameters', () => {
    assert.match(parse('body=k%3Dv%26w%3Dz&a=1').ambiguity!, /parameter "body" holds '&name='/);
    assert.match(parse('a%3D1%26b=2').ambiguity!, /parameter name "a=1&b" holds '&' or '='/);
    assert.match(parse('a%3D1=2').ambiguity!, /holds '&' or '='/);
    assert.equal(parse('body=k%3Dv%26%20w&a=1').ambiguity, null);
  });

  it('drops empty values from the sign content but keeps them as fields', () => {
    const callback = parse('a=1&passback_params=&b');
    assert.equal(text(callback.signedContents[0]!), 'a=1');
    assert.equal(callback.fields.get('passback_params'), '');
    assert.equal(callback.fields.get('b'), '');
  });

  it('rejects a repeated key as an attack', () => {
    assert.throws(() => parse('out_trade_no=1&a=2&out_trade_no=9'), MalformedCallback);
    assert.throws(() => parse('sign=a&sign=b'), MalformedCallback);
  });

  it('rejects broken % escapes', () => {
    for (const bad of ['a=%', 'a=%4', 'a=%zz', 'a%=1']) assert.throws(() => parse(bad), MalformedCallback, bad);
  });

  it('signs over the raw GBK bytes and decodes the fields from GBK', () => {
    const callback = parse('charset=gbk&subject=%C3%C0%B6%E0%C9%CC%B3%C7');
    assert.equal(callback.fields.get('subject'), '美多商城');
    assert.deepEqual([...callback.signedContents[0]!.slice(-8)], [0xc3, 0xc0, 0xb6, 0xe0, 0xc9, 0xcc, 0xb3, 0xc7]);
  });

  it('rejects a charset it cannot decode', () => {
    assert.throws(() => parse('charset=ebcdic&a=1'), MalformedCallback);
    for (const inherited of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      assert.throws(() => parse(`charset=${inherited}&a=1`), MalformedCallback, inherited);
  });

  it('offers the content without alipay_cert_sn as a second candidate', () => {
    const callback = parse('a=1&alipay_cert_sn=abc&b=2');
    assert.deepEqual(callback.signedContents.map(text), ['a=1&alipay_cert_sn=abc&b=2', 'a=1&b=2']);
  });

  it('treats __proto__ and constructor as ordinary keys', () => {
    const callback = parse('__proto__=x&constructor=y');
    assert.equal(callback.fields.get('__proto__'), 'x');
    assert.equal(text(callback.signedContents[0]!), '__proto__=x&constructor=y');
  });

  it('returns no sign and no sign_type when absent', () => {
    const callback = parse('');
    assert.equal(callback.sign, '');
    assert.equal(callback.signType, undefined);
    assert.equal(callback.fields.size, 0);
  });
});
