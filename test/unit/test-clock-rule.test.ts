import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A test that reads the real date passes today and fails on some later one (issue 22): every test states
// its time through test/support/clock.ts, the one file allowed to read it.
const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url));
// This file names what it forbids, in its patterns and its examples.
const ALLOWED = new Set(['support/clock.ts', 'unit/test-clock-rule.test.ts']);

// Tests of a separate process, which reads the machine's clock itself: the only users of wallClock.
const WALL_CLOCK_USERS = new Set(['e2e/cli-beside-server.test.ts', 'e2e/query-coordination.test.ts', 'e2e/reconcile-cli.test.ts']);

const REAL_TIME_READS: ReadonlyArray<[RegExp, string]> = [
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() with no argument'],
  [/\bnew\s+Date\b(?!\s*\()/, 'new Date without an argument list'],
  [/\bDate\s*\.\s*now\b/, 'Date.now'],
  [/(?<![\w.$]|new\s)Date\s*\(/, 'Date() called as a function'],
];

/** Comments may name what they forbid; code may not. */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

export function realTimeReads(source: string): string[] {
  const code = withoutComments(source);
  return REAL_TIME_READS.flatMap(([pattern, what]) =>
    [...code.matchAll(new RegExp(pattern, 'g'))].map((match) => `line ${code.slice(0, match.index).split('\n').length}: ${what}`),
  );
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('tests state their own time', () => {
  it('finds each way of reading the real time, and not a stated instant', () => {
    const reads = ['new Date( )', 'new Date;', 'Date.now()', 'Date ( )', 'String(Date())', 'x = Date\n.now'];
    for (const source of reads) assert.notDeepEqual(realTimeReads(source), [], source);
    const stated = [
      "new Date('2026-11-26T07:30:00Z')",
      'new Date(at.getTime() + 1_000)',
      'Date.UTC(2026, 10, 26)',
      'Date.parse(text)',
      'beijingDate(x)',
      'x.toDate()',
      '// Date.now() in a comment',
      '/* new Date() */',
    ];
    for (const source of stated) assert.deepEqual(realTimeReads(source), [], source);
  });

  it('no test file reads the real time outside test/support/clock.ts', () => {
    const offenders = testFiles(TEST_ROOT)
      .filter((path) => !ALLOWED.has(relative(TEST_ROOT, path)))
      .flatMap((path) => realTimeReads(readFileSync(path, 'utf8')).map((read) => `test/${relative(TEST_ROOT, path)} ${read}`));
    assert.deepEqual(offenders, [], 'use fixedClock, steadyClock, fromTestNow or elapsedMs from test/support/clock.ts');
  });

  it("only the tests of a separate process use wallClock, the machine's own clock", () => {
    const users = testFiles(TEST_ROOT)
      .map((path) => relative(TEST_ROOT, path))
      .filter((path) => !ALLOWED.has(path) && /\bwallClock\b/.test(withoutComments(readFileSync(join(TEST_ROOT, path), 'utf8'))));
    assert.deepEqual(users.sort(), [...WALL_CLOCK_USERS].sort());
  });
});
