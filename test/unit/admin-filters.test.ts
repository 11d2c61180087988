import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidQuery } from '../../src/application/errors.ts';
import { readFilter, readRejectionFilter } from '../../src/interfaces/http/admin/admin-filters.ts';

const refused = (field: string) => (error: unknown) => error instanceof InvalidQuery && error.message.startsWith(`${field} `);

describe('readFilter', () => {
  it('refuses a day the calendar does not have, naming the field', () => {
    for (const day of ['2026-02-31', '2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '0000-01-01', '2026-2-1']) {
      assert.throws(() => readFilter({ from: day }), refused('from'), `from=${day}`);
      assert.throws(() => readFilter({ to: day }), refused('to'), `to=${day}`);
    }
  });

  it('refuses a day whose Beijing midnight is still year 0000 in UTC, which PGlite cannot take', () => {
    assert.throws(() => readFilter({ from: '0001-01-01' }), refused('from'));
    assert.deepEqual(readFilter({ to: '0001-01-01' }).filter.until, new Date('0001-01-01T16:00:00Z'));
  });

  it('reads a real day as 00:00 in Beijing, and `to` as the end of its day', () => {
    assert.deepEqual(readFilter({ from: '2028-02-29', to: '2028-02-29' }).filter, {
      q: undefined,
      state: undefined,
      from: new Date('2028-02-28T16:00:00Z'),
      until: new Date('2028-02-29T16:00:00Z'),
    });
    assert.deepEqual(readFilter({ from: '0001-01-02', to: '9999-12-31' }).filter.until, new Date('9999-12-31T16:00:00Z'));
  });

  it('refuses a reversed range, on payments and rejections alike, which would show nothing', () => {
    assert.throws(() => readFilter({ from: '2026-11-27', to: '2026-11-26' }), refused('to'));
    assert.throws(() => readRejectionFilter({ from: '2026-11-27', to: '2026-11-26' }), refused('to'));
    assert.equal(readFilter({ from: '2026-11-26', to: '2026-11-26' }).filter.from?.toISOString(), '2026-11-25T16:00:00.000Z');
  });

  it('refuses a NUL in the search, which PostgreSQL text cannot hold', () => {
    assert.throws(() => readFilter({ q: 'T\u0000' }), refused('q'));
  });
});
