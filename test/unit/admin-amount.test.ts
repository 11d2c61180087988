import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fenText, plainYuan, yuanText } from '../../src/interfaces/http/admin/amount.ts';

describe('the one amount format of the admin pages', () => {
  it('writes yuan with a ¥, thousands grouped and two decimals', () => {
    assert.equal(yuanText('3798.00'), '¥3,798.00');
    assert.equal(yuanText('1234567.8'), '¥1,234,567.80');
    assert.equal(yuanText('88.80'), '¥88.80');
    assert.equal(yuanText('0.01'), '¥0.01');
    assert.equal(yuanText('12'), '¥12.00');
    assert.equal(yuanText('999'), '¥999.00');
    assert.equal(yuanText('1000'), '¥1,000.00');
  });

  it('writes a refund (a negative amount) with a minus sign before the ¥', () => {
    assert.equal(yuanText('-12.30'), '\u2212¥12.30');
    assert.equal(fenText(-123_456_789), '\u2212¥1,234,567.89');
    assert.equal(yuanText('-0.00'), '¥0.00', 'no minus for nothing');
  });

  it('keeps the digits of a sum however large: no float on the way', () => {
    assert.equal(yuanText('12345678901234567.89'), '¥12,345,678,901,234,567.89');
  });

  it('shows a value that is not an amount as it is', () => {
    assert.equal(yuanText('abc'), 'abc');
    assert.equal(yuanText('1.234'), '1.234');
  });

  it('gives the CSV plain signed numbers a spreadsheet sums', () => {
    assert.equal(plainYuan(-18_800), '-188.00');
    assert.equal(plainYuan(123_456_789), '1234567.89');
    assert.equal(plainYuan(5), '0.05');
  });
});
