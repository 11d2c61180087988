import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderAmount } from '../../src/cli/order-amount.ts';

describe("npm run orders' --amount", () => {
  it('takes yuan with up to two decimals and shows them with two', () => {
    for (const [amount, shown] of [
      ['88', '88.00'],
      ['0.01', '0.01'],
      ['3798.5', '3798.50'],
      ['99999999.99', '99999999.99'],
    ]) {
      assert.equal(String(orderAmount(amount!)), shown);
    }
  });

  it('refuses amounts under 0.01, non-numbers, more than two decimals and absurd sizes, in one short line', () => {
    for (const amount of [
      '0',
      '0.00',
      '0.001',
      '-1',
      '-0.01',
      'abc',
      '',
      '1e3',
      '88.123',
      '１００',
      '100000000',
      '9'.repeat(400),
      'NaN',
      ' 88',
    ]) {
      const answer = orderAmount(amount);
      assert.ok('refusal' in answer, `--amount ${JSON.stringify(amount)} was taken`);
      assert.match(
        answer.refusal,
        /^orders: --amount must be yuan from 0\.01 to 99999999\.99 with at most two decimals, such as 88\.00 \(got "[^\n]*"\)$/,
      );
      assert.ok(answer.refusal.length < 200, 'the input is shortened');
    }
  });
});
