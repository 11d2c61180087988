import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startServer } from '../../src/bootstrap/server.ts';
import { beijingTimestamp } from '../../src/domain/beijing-time.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { APP_ID, createTestAlipay } from '../support/alipay-signer.ts';
import { lastLine, runCli } from '../support/cli.ts';
import { wallClock } from '../support/clock.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { freshEnv, migratedEnv } from '../support/fresh-env.ts';

const isDeno = 'Deno' in globalThis;
// The CLI is a process of its own on the machine's clock: its today is the machine's.
const today = () => beijingTimestamp(wallClock.now()).slice(0, 10);

const reconcile = (args: string[], env: Record<string, string>) => runCli('reconcile', args, env);

describe('npm run reconcile', { skip: isDeno && 'spawns the Node CLI' }, () => {
  it('reconciles today offline against the sandbox’s bill: paid orders match, one paid at Alipay but never told is repaired', async () => {
    const env = await migratedEnv({ ADMIN_PASSWORD: 'not-used-by-this-test', ALIPAY_QUERY_SCHEDULE: 'off' });
    const server = await startServer(loadConfig(env), pino({ level: 'silent' }));
    let silent = '';
    try {
      const orders: string[] = (await server.database.knex('tb_order_info').where({ status: 1 }).select('order_id')).map(
        (row) => row.order_id,
      );
      assert.equal(orders.length, 3);
      for (const [index, orderId] of orders.entries()) {
        const { alipay_url: payUrl } = await (await fetch(`${server.url}/payment/${orderId}/`)).json();
        const action = index === 2 ? 'pay-silently' : 'pay';
        const paid = await fetch(`${server.url}/sandbox/pay`, {
          method: 'POST',
          body: new URLSearchParams({ request: new URL(payUrl).search.slice(1), action }),
          redirect: 'manual',
        });
        if (action === 'pay') assert.equal((await fetch(paid.headers.get('location')!)).status, 200);
        else silent = orderId;
      }
    } finally {
      await server.close();
    }
    const run = await reconcile(['--date', today(), '--json'], env);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(lastLine(run.stdout));
    assert.equal(result.date, today());
    assert.equal(result.status, 'done');
    assert.equal(result.counts.matched, 2);
    assert.equal(result.counts.repaired, 1);
    assert.equal(result.counts.missing_in_bill + result.counts.amount_mismatch + result.counts.unknown_order, 0);
    assert.deepEqual(
      result.items.map((entry: { kind: string; order_id: string }) => [entry.kind, entry.order_id]),
      [['repaired', silent]],
    );
    assert.match(run.stderr, /reconcile: \d{4}-\d{2}-\d{2}: 3 bill rows read, 3 classified/);

    const again = await reconcile(['--date', today()], env);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^reconcile: \d{4}-\d{2}-\d{2} done: matched 3, repaired 0,/m);
    assert.match(again.stdout, /no discrepancies/);
  });

  describe('against a gateway whose bill is not out yet', () => {
    const alipay = createTestAlipay();
    let gateway: FakeAlipayGateway;
    before(async () => {
      gateway = await FakeAlipayGateway.start(alipay.privateKey, alipay.publicKeyPem);
      gateway.answer = () => ({ body: gateway.billNotOutYet() });
    });
    after(() => gateway.close());

    it('exits 3 with one line saying when Alipay publishes it', async () => {
      const env = await migratedEnv({ ALIPAY_GATEWAY: gateway.url, ALIPAY_APP_ID: APP_ID, ALIPAY_PUBLIC_KEY: alipay.publicKeyPem });
      const run = await reconcile([], env);
      assert.equal(run.status, 3, run.stderr);
      const lines = run.stderr
        .trimEnd()
        .split('\n')
        .filter((line) => line.startsWith('reconcile:'));
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /^reconcile: the bill for \d{4}-\d{2}-\d{2} is not ready yet; Alipay publishes it the next morning/);
      assert.equal(run.stdout, '');
    });
  });

  // Each rule of the command line is test/unit/cli-commands.test.ts; here, what the process does with one.
  it('exits 2 with one line for a bad date, and touches nothing', async () => {
    const run = await reconcile(['--date', '2026-02-31'], freshEnv({ DATA_DIR: '/dev/null/pglite' }));
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^reconcile: --date must be a day such as \d{4}-\d{2}-\d{2} \(got "2026-02-31"\)\n$/);
    assert.equal(run.stdout, '');
  });
});
