import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMoney } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';

describe('Money', () => {
  it('parses decimal yuan strings into integer fen', () => {
    assert.equal(Money.parse('3798.00').fen, 379_800);
    assert.equal(Money.parse('88.8').fen, 8_880);
    assert.equal(Money.parse('0.01').fen, 1);
    assert.equal(Money.parse('7').fen, 700);
    assert.equal(Money.parse('99999999.99').fen, 9_999_999_999);
  });

  it('is exact where floats are not', () => {
    assert.equal(Money.parse('0.29').fen, 29); // 0.29 * 100 is 28.999999999999996 in floating point
    assert.equal(Money.parse('1.15').fen, 115);
  });

  it('rejects anything that is not a plain non-negative amount with at most two decimals', () => {
    for (const bad of [
      '',
      ' 1.00',
      '1.00 ',
      '1.',
      '.5',
      '1.001',
      '-1.00',
      '+1',
      '01.00',
      '1e3',
      '0x10',
      '1,000.00',
      '１.00',
      '100000000.00',
      'NaN',
      'Infinity',
    ]) {
      assert.throws(() => Money.parse(bad), InvalidMoney, JSON.stringify(bad));
    }
  });

  it('compares by value', () => {
    assert.ok(Money.parse('88.80').equals(Money.parse('88.8')));
    assert.ok(!Money.parse('88.80').equals(Money.parse('88.81')));
  });

  it('prints two decimals, as Alipay and numeric(10,2) do', () => {
    assert.equal(Money.parse('88.8').toString(), '88.80');
    assert.equal(Money.parse('0.05').toString(), '0.05');
    assert.equal(Money.ofFen(9_999_999_999).toString(), '99999999.99');
  });

  it('refuses fen that are not a safe whole number in range', () => {
    for (const bad of [0.5, -1, Number.NaN, 10_000_000_000]) assert.throws(() => Money.ofFen(bad), InvalidMoney);
  });
});
