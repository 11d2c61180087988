import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { describe, it } from 'node:test';
import { generateSandboxAlipayKeys } from '../../src/infrastructure/alipay/sandbox-keys.ts';
import { waitFor } from '../support/clock.ts';
import { freshEnv } from '../support/fresh-env.ts';
import { exitsBeforeListening, type MainProcess, START_TIMEOUT_MS, startMain } from '../support/main-process.ts';

const REAL_GATEWAY = 'https://openapi.alipay.com/gateway.do';

/** The banner's value on the line that starts with `label`, or undefined. */
const bannerValue = (stdout: string, label: string) => new RegExp(`^ +${label} +(\\S+)`, 'm').exec(stdout)?.[1];

async function untilBanner(run: MainProcess): Promise<{ shop: string; admin: string; user: string; password: string }> {
  try {
    await waitFor(() => bannerValue(run.stdout(), 'password') !== undefined, 'the banner', START_TIMEOUT_MS);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the process wrote:\n${run.stdout()}${run.stderr()}`);
  }
  const [shop, admin, user, password] = ['shop', 'admin', 'user', 'password'].map((label) => bannerValue(run.stdout(), label)!);
  return { shop: shop!, admin: admin!, user: user!, password: password! };
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/**
 * The process is gone: a clean stop (0) or, rarely on a loaded machine, one ended by the signal itself
 * (null; Deno reports null for any child it sent kill()). How it drains is process.test.ts's subject;
 * these tests are about what it prints and keeps.
 */
function assertStopped(code: number | null): void {
  assert.ok(code === 0 || code === null, `exit code ${code}`);
}

/** One line on stderr, no stack anywhere, the given exit code. */
async function assertOneLineExit(run: MainProcess, code: number): Promise<string> {
  assert.equal(await run.exited, code, `stdout: ${run.stdout()}\nstderr: ${run.stderr()}`);
  const lines = run.stderr().trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr()}`);
  assert.doesNotMatch(`${run.stdout()}\n${run.stderr()}`, /^\s+at /m, 'no stack trace');
  return lines[0]!;
}

describe('the first run in development', () => {
  it('prints one banner with the shop, the admin page, its user and a password kept in var/ that survives a restart', async () => {
    // No background work at start-up (after 10:30 Beijing a server reconciles yesterday at once): each start
    // here is stopped as soon as it listens, and this test is about the banner and the password.
    const env = freshEnv({ RECONCILE_AT: 'off', ALIPAY_QUERY_SCHEDULE: 'off' });
    const passwordFile = join(dirname(env.DATA_DIR!), 'admin-password');

    const first = startMain(env);
    let banner: Awaited<ReturnType<typeof untilBanner>>;
    try {
      banner = await untilBanner(first);
      assert.match(banner.shop, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(banner.admin, `${banner.shop}admin/payments`);
      assert.equal(banner.user, 'admin');
      assert.equal((await fetch(banner.shop)).status, 200, 'the demo shop answers');
      assert.equal(
        (await fetch(banner.admin, { headers: basic(banner.user, banner.password) })).status,
        200,
        'the password opens the admin',
      );
      assert.equal(first.stdout().match(/^ +admin +http/gm)?.length, 1, 'one banner');
      const logLines = first
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      assert.ok(!logLines.some((line) => line.includes(banner.password)), 'the password is in no log line');
    } finally {
      assertStopped(await first.stop());
    }
    assert.equal(readFileSync(passwordFile, 'utf8').trim(), banner.password);
    if (process.platform !== 'win32') assert.equal(statSync(passwordFile).mode & 0o777, 0o600);

    const second = startMain(env);
    try {
      const again = await untilBanner(second);
      assert.equal(again.password, banner.password, 'the same password after a restart');
    } finally {
      assertStopped(await second.stop());
    }

    const chosen = startMain({ ...env, ADMIN_PASSWORD: 'chosen by the developer' });
    try {
      const withEnv = await untilBanner(chosen);
      assert.match(chosen.stdout(), /\(as set in ADMIN_PASSWORD\)/, 'ADMIN_PASSWORD wins over the kept one');
      assert.doesNotMatch(chosen.stdout(), /chosen by the developer/, 'a password the developer chose is not printed');
      assert.equal((await fetch(withEnv.admin, { headers: basic('admin', 'chosen by the developer') })).status, 200);
      assert.equal((await fetch(withEnv.admin, { headers: basic('admin', banner.password) })).status, 401);
    } finally {
      assertStopped(await chosen.stop());
    }
  });

  it('refuses, in one line, a real gateway with the sandbox Alipay key an earlier start generated', async () => {
    const env = freshEnv({ ALIPAY_GATEWAY: REAL_GATEWAY });
    generateSandboxAlipayKeys(env.ALIPAY_PUBLIC_KEY_FILE!);
    const run = startMain(env);
    if (!(await exitsBeforeListening(run))) {
      await run.stop();
      assert.fail('started with the sandbox key against a real gateway');
    }
    const line = await assertOneLineExit(run, 2);
    assert.match(line, /^meiduo-payment: configuration error: ALIPAY_PUBLIC_KEY_FILE /);
    assert.ok(line.includes(env.ALIPAY_PUBLIC_KEY_FILE!), line);
    assert.match(line, /支付宝公钥/);
    assert.match(line, /ALIPAY_PUBLIC_KEY\b/);
  });

  it('refuses a real gateway with no Alipay key at all, rather than generating a sandbox one', async () => {
    const env = freshEnv({ ALIPAY_GATEWAY: REAL_GATEWAY });
    const run = startMain(env);
    if (!(await exitsBeforeListening(run))) {
      await run.stop();
      assert.fail('generated a sandbox key and started against a real gateway');
    }
    const line = await assertOneLineExit(run, 2);
    assert.match(line, /ALIPAY_PUBLIC_KEY_FILE .* does not exist/);
    assert.match(line, /支付宝公钥/);
    assert.equal(existsSync(env.ALIPAY_PUBLIC_KEY_FILE!), false, 'no sandbox key generated');
  });

  it('stops with exit code 4 and one line naming host:port when the database cannot be reached', async () => {
    const run = startMain(freshEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' }));
    const line = await assertOneLineExit(run, 4);
    assert.match(line, /^meiduo-payment: cannot reach the database: /);
    assert.match(line, /127\.0\.0\.1:1\b/);
    assert.match(line, /DATABASE_URL/);
    assert.doesNotMatch(line, /:p@/, 'no password');
  });
});
