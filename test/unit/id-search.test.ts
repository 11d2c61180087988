import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distinctiveWindow } from '../../src/infrastructure/persistence/id-search.ts';

describe('the window a long id search asks the trigram index for', () => {
  it('is the whole search up to eight characters', () => {
    assert.equal(distinctiveWindow('12345678'), '12345678');
  });

  it('avoids the runs of zeros of a padded user id and the date every id of a day shares', () => {
    assert.equal(distinctiveWindow('20261126153535000000001'), '61535350');
    assert.equal(distinctiveWindow('2026101522001406783350134338'), '67833501');
  });

  it('takes the rightmost of equally varied windows: pasted tails vary most', () => {
    assert.equal(distinctiveWindow('ABCDEFGHIJKL'), 'EFGHIJKL');
  });
});
