import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { type Database, openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { APP_ID, createTestAlipay, newOrderId } from '../support/alipay-signer.ts';
import { appKeys, appPublicKeyPem } from '../support/app-keys.ts';
import { elapsedMs } from '../support/clock.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';
import { FakeAlipayRefunds } from '../support/fake-alipay-refunds.ts';
import { serviceCommand } from '../support/service-command.ts';
import { testTempDir } from '../support/temp-dir.ts';
import { seedOrder } from '../support/test-app.ts';
import { faultsUnavailable, startAppProcess } from './fault-support.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const alipay = createTestAlipay();

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const started = elapsedMs();
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (elapsedMs() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a refund whose process is killed between storing it and hearing from Alipay', { skip: faultsUnavailable }, () => {
  let db: Database;
  let gateway: FakeAlipayGateway;
  let book: FakeAlipayRefunds;
  let env: Record<string, string>;
  before(async () => {
    db = openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL! });
    await migrate(db.knex);
    gateway = await FakeAlipayGateway.start(alipay.privateKey, appPublicKeyPem);
    book = new FakeAlipayRefunds(gateway);
    const keyFile = join(testTempDir('meiduo-refund-kill-'), 'app_private_key.pem');
    writeFileSync(keyFile, appKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    env = { ALIPAY_GATEWAY: gateway.url, APP_PRIVATE_KEY_FILE: keyFile, ALIPAY_HTTP_TIMEOUT: '60s' };
  });
  after(async () => {
    await gateway.close();
    await db.close();
  });

  async function paidOrder(): Promise<{ orderId: string; tradeNo: string }> {
    const orderId = newOrderId();
    const tradeNo = `TK${orderId}`;
    await seedOrder(db.knex, orderId, '88.80', OrderStatus.UNCOMMENT);
    await db.knex('tb_payment').insert({ order_id: orderId, trade_id: tradeNo, amount: '88.80', source: 'notify' });
    book.trade(tradeNo, orderId, '88.80');
    return { orderId, tradeNo };
  }

  /** `npm run payments -- refund` on the faults cluster, as a process the test can kill. */
  function refundCli(orderId: string): ChildProcess {
    return spawn(process.execPath, [...serviceCommand('src/cli/payments-cli.ts'), 'refund', orderId, '--reason', '缺货退款', '--json'], {
      cwd: root,
      env: {
        ...process.env,
        ALIPAY_APP_ID: APP_ID,
        ALIPAY_SELLER_ID: '',
        ALIPAY_PUBLIC_KEY: alipay.publicKeyPem,
        ...env,
      },
      stdio: 'ignore',
    });
  }

  const refundOf = (orderId: string) => db.knex('tb_refund').where('order_id', orderId).first('out_request_no', 'status');

  it('is settled once by the server: by the refund query when Alipay did it, by asking again under the same out_request_no when it never arrived', async () => {
    const didIt = await paidOrder();
    const neverArrived = await paidOrder();
    // The first call of each CLI hangs: one after Alipay carried it out, one before it reached Alipay.
    book.next('hang_after');
    const first = refundCli(didIt.orderId);
    await until('Alipay carried the first refund out', async () => (book.carriedOut.size === 1 ? true : undefined), 60_000);
    book.next('hang_before');
    const second = refundCli(neverArrived.orderId);
    await until(
      'the second refund call reached the gateway',
      async () => (book.calls('alipay.trade.refund').length === 2 ? true : undefined),
      60_000,
    );
    first.kill('SIGKILL');
    second.kill('SIGKILL');
    assert.deepEqual([(await refundOf(didIt.orderId))?.status, (await refundOf(neverArrived.orderId))?.status], ['pending', 'pending']);
    assert.equal(book.carriedOut.size, 1);

    const server = await startAppProcess(alipay, { ...env, ALIPAY_APP_ID: APP_ID, ALIPAY_SELLER_ID: '' });
    try {
      for (const { orderId } of [didIt, neverArrived]) {
        await until(
          `the refund of ${orderId} settled`,
          async () => ((await refundOf(orderId))?.status === 'refunded' ? true : undefined),
          60_000,
        );
      }
    } finally {
      await server.stop();
    }
    const stored = [await refundOf(didIt.orderId), await refundOf(neverArrived.orderId)];
    assert.deepEqual(
      [...book.carriedOut.keys()].sort(),
      stored.map((row) => row!.out_request_no).sort(),
      'Alipay carried out exactly one refund for each, under our out_request_no',
    );
    assert.deepEqual(
      book.calls('alipay.trade.refund').map((call) => call.out_request_no),
      [stored[0]!.out_request_no, stored[1]!.out_request_no, stored[1]!.out_request_no],
      'the one Alipay had was only asked about; the one it lacked was asked for again, once',
    );
    for (const { orderId } of [didIt, neverArrived]) {
      const { status } = await db.knex('tb_order_info').where('order_id', orderId).first('status');
      assert.equal(status, OrderStatus.CANCELED);
    }
  });
});
