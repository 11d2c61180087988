import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testTempDir } from '../support/temp-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;

describe('npm test (scripts/run-tests.ts)', { skip: isDeno && 'npm test runs on Node' }, () => {
  /** A project with these test files and our test/_tiers, beside this one's node_modules. */
  function project(files: Record<string, string>): string {
    const dir = testTempDir('meiduo-run-tests-');
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    cpSync(join(root, 'test', '_tiers'), join(dir, 'test', '_tiers'), { recursive: true });
    for (const folder of ['unit', 'application', 'contracts', 'http']) mkdirSync(join(dir, 'test', folder), { recursive: true });
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    return dir;
  }
  function npmTest(cwd: string, env: Record<string, string>, args: string[] = []) {
    // Set by the test runner that runs this file: a nested run would report to it instead of to stdout.
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
    return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'run-tests.ts'), ...args], {
      cwd,
      env: { ...inherited, ...env },
      encoding: 'utf8',
    });
  }
  const passing = (name: string) => `import { it } from 'node:test';\nit('${name}', () => {});\n`;
  const FAILING = "import { it } from 'node:test';\nit('fails', () => { throw new Error('planted'); });\n";
  const NOTHING_SKIPPED = { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', CHROMIUM_PATH: process.execPath };

  it('runs every tier in one timed run, forwards flags to node, and ends with one line per skipped group', () => {
    const dir = project({
      'test/unit/a.test.ts': `${passing('alpha')}it('beta', () => {});\n`,
      'test/application/b.test.ts': passing('alpha two'),
      'test/contracts/c.test.ts': passing('gamma'),
      'test/http/d.test.ts': passing('epsilon'),
      'test/e2e/e.test.ts': passing('delta'),
    });
    const all = npmTest(dir, { DATABASE_URL: '', CHROMIUM_PATH: '/nonexistent/chromium' });
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /^# pass 6$/m);
    const [timing, postgres, browser] = all.stdout.trimEnd().split('\n').slice(-3);
    assert.match(timing!, /^npm test: unit, int, e2e in \d+ s$/);
    assert.match(postgres!, /^PostgreSQL suites skipped: DATABASE_URL is not set/);
    assert.match(browser!, /^browser tests skipped: no Chromium at \/nonexistent\/chromium \(.*CHROMIUM_PATH/);

    const some = npmTest(dir, NOTHING_SKIPPED, ['unit', '--test-name-pattern=alpha']);
    assert.equal(some.status, 0, some.stderr);
    assert.match(some.stdout, /^# pass 2$/m, 'alpha and alpha two, not beta');
    assert.match(some.stdout.trimEnd().split('\n').at(-1)!, /^npm test: unit in \d+ s$/, 'nothing skipped, nothing said');
  });

  it('fails when any test fails, and still runs the rest', () => {
    const dir = project({ 'test/unit/a.test.ts': FAILING, 'test/browser/b.test.ts': passing('delta') });
    const run = npmTest(dir, NOTHING_SKIPPED);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^# fail 1$/m);
    assert.match(run.stdout, /^ok \d+ - delta$/m, 'the browser tier ran after the unit tier failed');
    assert.match(run.stdout.trimEnd().split('\n').at(-1)!, /^npm test: unit, int, e2e in \d+ s \(failed\)$/);
  });
});
