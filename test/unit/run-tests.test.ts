import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArguments, skippedSuites } from '../../scripts/run-tests.ts';

const POSTGRES_SKIPPED = /^PostgreSQL suites skipped: DATABASE_URL is not set/;
const BROWSER_SKIPPED = /^browser tests skipped: no Chromium at (\S+) \(.*CHROMIUM_PATH/;

describe('skippedSuites', () => {
  const nothing = () => false;
  const everything = () => true;

  it('names the PostgreSQL suites when DATABASE_URL is unset or empty, as test/support/databases.ts decides', () => {
    for (const env of [{}, { DATABASE_URL: '' }]) {
      const lines = skippedSuites({ env, exists: everything });
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, POSTGRES_SKIPPED);
      assert.match(lines[0]!, /throwaway-postgres\.sh/);
    }
    assert.deepEqual(skippedSuites({ env: { DATABASE_URL: 'postgres://u:p@db/x' }, exists: everything }), []);
  });

  it('names the browser tests with the Chromium it looked for: CHROMIUM_PATH, else /usr/bin/chromium', () => {
    const db = { DATABASE_URL: 'postgres://u:p@db/x' };
    const [line] = skippedSuites({ env: db, exists: nothing });
    assert.equal(BROWSER_SKIPPED.exec(line!)?.[1], '/usr/bin/chromium');
    const [other] = skippedSuites({ env: { ...db, CHROMIUM_PATH: '/opt/chrome/chrome' }, exists: nothing });
    assert.equal(BROWSER_SKIPPED.exec(other!)?.[1], '/opt/chrome/chrome');
    const looked: string[] = [];
    skippedSuites({ env: { ...db, CHROMIUM_PATH: '/opt/chrome/chrome' }, exists: (path) => looked.push(path) > 0 });
    assert.deepEqual(looked, ['/opt/chrome/chrome']);
  });

  it('gives both lines, PostgreSQL first, when neither is there', () => {
    const lines = skippedSuites({ env: {}, exists: nothing });
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, POSTGRES_SKIPPED);
    assert.match(lines[1]!, BROWSER_SKIPPED);
  });
});

describe('parseArguments', () => {
  it('runs every tier when none is named, and hands every other argument to node', () => {
    assert.deepEqual(parseArguments([]), { tiers: ['unit', 'int', 'e2e'], nodeArgs: [] });
    assert.deepEqual(parseArguments(['int', '--test-name-pattern=CSV', 'unit']), {
      tiers: ['int', 'unit'],
      nodeArgs: ['--test-name-pattern=CSV'],
    });
  });
});
