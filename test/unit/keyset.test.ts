import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBigintId, isUtcMicros } from '../../src/infrastructure/persistence/keyset.ts';

describe('keyset cursor values', () => {
  it('takes ids from 1 to bigint max as we print them', () => {
    for (const id of ['1', '42', '9223372036854775807']) assert.equal(isBigintId(id), true, id);
    for (const id of [
      '0',
      '007',
      '-1',
      '+1',
      '1.0',
      '1e3',
      ' 1',
      '9223372036854775808',
      '9999999999999999999',
      '99999999999999999999',
      '',
    ]) {
      assert.equal(isBigintId(id), false, id);
    }
  });

  it('takes real UTC instants in years 1 to 9999, to the microsecond', () => {
    for (const time of [
      '2026-11-26T00:00:00.000000Z',
      '2028-02-29T23:59:59.999999Z',
      '0001-01-01T00:00:00.000000Z',
      '9999-12-31T23:59:59.999999Z',
    ]) {
      assert.equal(isUtcMicros(time), true, time);
    }
    for (const time of [
      '9999-99-99T99:99:99.000000Z',
      '2026-02-31T00:00:00.000000Z',
      '2026-02-29T00:00:00.000000Z',
      '2026-13-01T00:00:00.000000Z',
      '2026-11-26T24:00:00.000000Z',
      '2026-11-26T23:60:00.000000Z',
      '2026-11-26T23:59:60.000000Z',
      '0000-01-01T00:00:00.000000Z',
      '2026-11-26T00:00:00.000Z',
      '2026-11-26T00:00:00.000000+08:00',
      '2026-11-26 00:00:00.000000Z',
      '',
    ]) {
      assert.equal(isUtcMicros(time), false, time);
    }
  });
});
