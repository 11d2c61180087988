import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beijingDigits, beijingMidnight, beijingTimestamp } from '../../src/domain/beijing-time.ts';

describe('Beijing time', () => {
  const lateEveningUtc = new Date('2026-11-25T16:30:05.999Z');

  it("prints an instant as Alipay's yyyy-MM-dd HH:mm:ss, already the next day in Beijing", () => {
    assert.equal(beijingTimestamp(lateEveningUtc), '2026-11-26 00:30:05');
  });

  it("prints the yyyyMMddHHmmss that heads Meiduo's order ids", () => {
    assert.equal(beijingDigits(lateEveningUtc), '20261126003005');
  });

  it('finds 00:00 in Beijing of a day, and of the days after it', () => {
    assert.deepEqual(beijingMidnight('2026-11-26'), new Date('2026-11-25T16:00:00Z'));
    assert.deepEqual(beijingMidnight('2026-12-31', 1), new Date('2026-12-31T16:00:00Z'));
  });

  it('gives an invalid Date for text that is not a day', () => {
    assert.ok(Number.isNaN(beijingMidnight('26/11/2026').getTime()));
  });
});
