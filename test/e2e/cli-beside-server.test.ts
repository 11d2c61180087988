import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { controlFileOf, readControlFile } from '../../src/cli/control/control-file.ts';
import { encodeFrame } from '../../src/cli/control/control-protocol.ts';
import { beijingTimestamp } from '../../src/domain/beijing-time.ts';
import { lastLine, runCli } from '../support/cli.ts';
import { wallClock } from '../support/clock.ts';
import { exchange } from '../support/control-exchange.ts';
import { migratedEnv } from '../support/fresh-env.ts';
import { exitsBeforeListening, type MainProcess, START_TIMEOUT_MS, startMain } from '../support/main-process.ts';

// The server and the CLIs are processes on the machine's clock: their today is the machine's.
const today = () => beijingTimestamp(wallClock.now()).slice(0, 10);

/** The log line's JSON whose msg is `msg`. */
function logged(server: MainProcess, msg: string): Record<string, unknown> {
  const line = server
    .stdout()
    .split('\n')
    .find((candidate) => candidate.includes(`"msg":"${msg}"`));
  assert.ok(line, `no "${msg}" in the server's log`);
  return JSON.parse(line);
}

// One server for the file: `npm start` on PGlite, its demo orders placed, and every CLI run beside it;
// under Deno, the server and the CLIs from source (`deno run`).
describe('the CLIs beside a running npm start on PGlite', { timeout: START_TIMEOUT_MS * 2 }, () => {
  let env: Record<string, string>;
  let server: MainProcess;
  let url: string;
  let demoOrders: string[];
  const beside = (cli: Parameters<typeof runCli>[0], args: string[], input?: string) => runCli(cli, args, env, input);
  const insideLine = () =>
    new RegExp(`^(admin|migrate|orders|payments|reconcile): running inside the server \\(process ${server.child.pid}\\) that holds `);

  before(async () => {
    env = await migratedEnv({ ADMIN_PASSWORD: 'not-used-by-this-test', ALIPAY_QUERY_SCHEDULE: 'off' });
    server = startMain(env);
    assert.equal(await exitsBeforeListening(server), false, server.stderr());
    url = logged(server, 'listening').url as string;
    demoOrders = logged(server, 'placed demo orders for the demo shop').orders as string[];
  });
  after(() => server.stop());

  it('places an order inside the server: its id alone on stdout, one line saying where it ran', async () => {
    const run = await beside('orders', ['create', '--amount', '3798.5']);
    assert.equal(run.status, 0, run.stderr);
    const orderId = run.stdout.trim();
    assert.match(orderId, /^[0-9]{23}$/);
    const lines = run.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, insideLine());
    assert.deepEqual(lines.slice(1), [`placed UNPAID Alipay order ${orderId} for ¥3798.50 in PGlite in ${env.DATA_DIR}`]);
  });

  it('refuses a bad amount with exit 2 and the same line as a run of its own', async () => {
    const run = await beside('orders', ['create', '--amount', '88.001']);
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr.split('\n')[1]!, /^orders: --amount must be yuan from 0\.01 .* \(got "88\.001"\)$/);
  });

  it('asks the sandbox the server is about an order paid without telling, and records the payment; reconcile then matches it', async () => {
    const orderId = demoOrders[0]!;
    const { alipay_url: payUrl } = await (await fetch(`${url}/payment/${orderId}/`)).json();
    const paid = await fetch(`${url}/sandbox/pay`, {
      method: 'POST',
      body: new URLSearchParams({ request: new URL(payUrl).search.slice(1), action: 'pay-silently' }),
      redirect: 'manual',
    });
    assert.ok(paid.status < 400, `the sandbox answered ${paid.status}`);

    const query = await beside('payments', ['query', orderId]);
    assert.equal(query.status, 0, query.stderr);
    assert.match(query.stderr, insideLine());
    assert.match(query.stdout, new RegExp(`^payments: asked Alipay about order ${orderId}\n`));
    assert.match(query.stdout, /result +payment recorded \(source query\), trade /);
    const again = await beside('payments', ['query', orderId, '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(lastLine(again.stdout)).payment.result, 'duplicate');

    const reconciled = await beside('reconcile', ['--date', today(), '--json']);
    assert.equal(reconciled.status, 0, reconciled.stderr);
    const result = JSON.parse(lastLine(reconciled.stdout));
    assert.equal(result.status, 'done');
    assert.equal(result.counts.matched, 1);
    assert.deepEqual(result.items, []);
    assert.match(reconciled.stderr, /reconcile: \d{4}-\d{2}-\d{2}: 1 bill rows read, 1 classified/);
  });

  it('replays refused callbacks inside the server, and refuses a bad --since with exit 2', async () => {
    const replay = await beside('payments', ['replay', '--json']);
    assert.equal(replay.status, 0, replay.stderr);
    assert.deepEqual(JSON.parse(lastLine(replay.stdout)), { examined: 0, recovered: 0, still_refused: 0 });
    const bad = await beside('payments', ['replay', '--since', 'yesterday']);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /\npayments: --since must be an ISO time with its zone, .* \(got "yesterday"\)\n$/);
  });

  it('migrates nothing inside the server, and says that a restart applies newer migrations', async () => {
    const run = await beside('migrate', []);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      `PGlite in ${env.DATA_DIR}: migrated by the running server when it started; restart it to apply newer migrations\n`,
    );
  });

  it('adds an operator inside the server with a password from stdin, who then signs in; disabled, they no longer can', async () => {
    const signIn = (password = 'li-wei-password-1') =>
      fetch(`${url}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ name: 'li.wei', password }).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    const added = await beside('admin', ['add', 'li.wei', '--role', 'viewer', '--password-stdin'], 'li-wei-password-1\n');
    assert.equal(added.status, 0, added.stderr);
    assert.equal(added.stdout, 'admin: added li.wei (viewer)\n', 'a chosen password is never printed');
    assert.match(added.stderr, insideLine());
    const listed = JSON.parse(lastLine((await beside('admin', ['list', '--json'])).stdout)) as Array<{ name: string; role: string }>;
    assert.deepEqual(
      listed.map((account) => [account.name, account.role]),
      [
        ['admin', 'operator'],
        ['li.wei', 'viewer'],
      ],
    );
    assert.equal((await signIn()).status, 303);
    assert.match(
      (await beside('admin', ['list'])).stdout,
      /^NAME +ROLE +STATE +CREATED \(Beijing\)\nadmin +operator +enabled +ADMIN_USER\nli\.wei +viewer +enabled +\d{4}-/,
    );
    assert.equal((await beside('admin', ['add', 'li.wei', '--role', 'viewer'])).status, 2, 'a name is taken once');
    const rekeyed = await beside('admin', ['passwd', 'li.wei']);
    assert.equal(rekeyed.status, 0, rekeyed.stderr);
    assert.match(
      rekeyed.stdout,
      /^admin: new password for li\.wei; their browser sessions are signed out\npassword \(shown only now\): [A-Za-z0-9_-]{24}\n$/,
    );
    assert.equal((await signIn()).status, 401, 'the old password no longer signs in');
    const generated = rekeyed.stdout.match(/: ([A-Za-z0-9_-]{24})\n$/)![1]!;
    assert.equal((await signIn(generated)).status, 303);
    assert.equal((await beside('admin', ['disable', 'li.wei'])).status, 0);
    assert.equal((await signIn(generated)).status, 401);
  });

  it('refuses a request without the token in the control file, and keeps serving', async () => {
    const { port } = readControlFile(env.DATA_DIR!)!;
    const frames = await exchange(
      port,
      encodeFrame({ token: 'guessed', command: 'orders', argv: ['create', '--amount', '1'], stdin: null }),
    );
    assert.deepEqual(frames, [{ refused: 'wrong token' }]);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });

  it('removes the control file when stopped', async () => {
    await server.stop();
    assert.equal(existsSync(controlFileOf(env.DATA_DIR!)), false);
  });
});
