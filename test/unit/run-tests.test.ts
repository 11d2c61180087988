import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { skippedSuites } from '../../scripts/run-tests.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
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

describe('npm test (scripts/run-tests.ts)', { skip: isDeno && 'npm test runs on Node' }, () => {
  /** A project of one test file, beside this one's node_modules, where the wrapper runs test/*\/*.test.ts. */
  function project(testSource: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'meiduo-run-tests-'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    mkdirSync(join(dir, 'test', 'unit'), { recursive: true });
    writeFileSync(join(dir, 'test', 'unit', 'one.test.ts'), testSource);
    return dir;
  }
  function wrapper(cwd: string, env: Record<string, string>, args: string[] = []) {
    // Set by the test runner that runs this file: a nested run would report to it instead of to stdout.
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
    return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'run-tests.ts'), ...args], {
      cwd,
      env: { ...inherited, ...env },
      encoding: 'utf8',
    });
  }
  const PASSING = "import { it } from 'node:test';\nit('passes', () => {});\n";
  const FAILING = "import { it } from 'node:test';\nit('fails', () => { throw new Error('planted'); });\n";

  it('runs the test files, forwards its arguments, and ends with one line per skipped group', () => {
    const dir = project(PASSING);
    mkdirSync(join(dir, 'extra'));
    writeFileSync(join(dir, 'extra', 'two.test.ts'), PASSING);
    const run = wrapper(dir, { DATABASE_URL: '', CHROMIUM_PATH: '/nonexistent/chromium' }, ['extra/two.test.ts']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\bpass 2$/m, 'the glob and the extra file, as `npm test -- extra/two.test.ts` ran before');
    const [postgres, browser] = run.stdout.trimEnd().split('\n').slice(-2);
    assert.match(postgres!, POSTGRES_SKIPPED);
    assert.equal(BROWSER_SKIPPED.exec(browser!)?.[1], '/nonexistent/chromium');
  });

  it("passes on the test run's failure, still saying what was skipped; says nothing when nothing was", () => {
    const failed = wrapper(project(FAILING), { DATABASE_URL: '', CHROMIUM_PATH: '/nonexistent/chromium' });
    assert.equal(failed.status, 1);
    assert.match(failed.stdout.trimEnd().split('\n').at(-2)!, POSTGRES_SKIPPED);

    const complete = wrapper(project(PASSING), { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', CHROMIUM_PATH: process.execPath });
    assert.equal(complete.status, 0, complete.stderr);
    assert.doesNotMatch(complete.stdout, /skipped:/);
  });
});
