import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvLine } from '../../src/interfaces/http/admin/csv.ts';

const cell = (value: string) => csvLine([value]).slice(0, -2);

describe('csvLine', () => {
  it('neutralises every cell a spreadsheet would run as a formula, however it is disguised', () => {
    const formulas = [
      '=1+1',
      '+1',
      '-1',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      ' =1',
      '   +1',
      '\u3000=1',
      '\u00A0=1',
      '＝1+1',
      '＋1',
      '－1',
      '＠SUM(A1)',
      ' ＝1',
    ];
    for (const value of formulas) assert.ok(cell(value).replace(/^"/, '').startsWith("'"), JSON.stringify(value));
  });

  it('leaves ordinary text and numbers alone, and quotes what CSV needs quoted', () => {
    for (const value of ['3798.00', '订单已取消', 'a=b', 'TRADE-1', ' spaced', '']) assert.equal(cell(value), value);
    assert.equal(cell('a,b'), '"a,b"');
    assert.equal(cell('say "hi"'), '"say ""hi"""');
    assert.equal(cell('=a,b'), `"'=a,b"`);
  });
});
