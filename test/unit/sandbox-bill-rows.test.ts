import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { beijingMidnight } from '../../src/domain/beijing-time.ts';
import { SandboxBillChanges } from '../../src/sandbox/bill-changes.ts';
import { refundEntry, tradeEntry } from '../../src/sandbox/bill-entries.ts';
import { SandboxBillRows } from '../../src/sandbox/bill-rows.ts';
import { SandboxRefunds } from '../../src/sandbox/sandbox-refunds.ts';
import { SandboxTrades } from '../../src/sandbox/sandbox-trades.ts';
import { streamedTradeBillZip, tradeBillZip } from '../../src/sandbox/trade-bill-file.ts';
import type { BillEntry } from '../../src/sandbox/trade-bill-lines.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';

const APP_ID = '2021000000000001';
const DAY = '2026-11-27';
const FROM_SECONDS = beijingMidnight(DAY).getTime() / 1000;

for (const harness of databaseHarnesses) describeBillRows(harness);

function describeBillRows(harness: { name: string; open(): Promise<TestDatabase> }): void {
  describe(`the sandbox reads a day's bill rows in keyset batches (${harness.name})`, () => {
    let database: TestDatabase;
    let trades: SandboxTrades;
    let changes: SandboxBillChanges;
    let sandboxRefunds: SandboxRefunds;

    before(async () => {
      database = await harness.open();
      const { knex } = database;
      trades = new SandboxTrades(knex);
      changes = new SandboxBillChanges(knex);
      sandboxRefunds = new SandboxRefunds(knex, trades);
      await trades.ready();
      await changes.ready();
      await sandboxRefunds.ready();
      // 43 trades paid two to a millisecond (400 microseconds apart, trade_no not in time order), 2 of them
      // of another app; one of ours in the last millisecond of the day and one the next day; 2 left out of
      // the bill, 2 billed at another amount; refunds: two in the very millisecond of a payment, one of
      // another app's trade and one made the day before.
      await knex.raw(
        `INSERT INTO sandbox_alipay_trade (trade_no, out_trade_no, app_id, seller_id, subject, total_amount, trade_status, gmt_create, gmt_payment)
         SELECT 'T' || lpad(((i * 17) % 43)::text, 6, '0'), 'O' || lpad(i::text, 6, '0'), CASE WHEN i % 15 = 0 THEN '2021000000000999' ELSE ? END,
                '2088000000000001', '美多, 商城 ' || i, (i + 0.5)::numeric(10,2), 'TRADE_SUCCESS',
                to_timestamp(${FROM_SECONDS} + 3600 + (i / 2) * 0.001 + (i % 2) * 0.0004 - 5),
                to_timestamp(${FROM_SECONDS} + 3600 + (i / 2) * 0.001 + (i % 2) * 0.0004)
         FROM generate_series(1, 43) AS i`,
        [APP_ID],
      );
      await knex.raw(
        `INSERT INTO sandbox_alipay_trade (trade_no, out_trade_no, app_id, seller_id, subject, total_amount, trade_status, gmt_create, gmt_payment)
         VALUES ('LATE', 'OLATE', ?, '2088000000000001', 'late', 1.00, 'TRADE_SUCCESS', to_timestamp(${FROM_SECONDS} + 86399), to_timestamp(${FROM_SECONDS} + 86399.9995)),
                ('NEXT', 'ONEXT', ?, '2088000000000001', 'next', 1.00, 'TRADE_SUCCESS', to_timestamp(${FROM_SECONDS} + 86400), to_timestamp(${FROM_SECONDS} + 86400))`,
        [APP_ID, APP_ID],
      );
      const [first, second, third, fourth] = ['T000017', 'T000034', 'T000008', 'T000025'];
      await changes.setOmitted(first, true);
      await changes.setOmitted('T000001', true);
      await changes.setBillAmount(second, '9.99');
      await changes.setBillAmount(third, '0.01');
      // Two partial refunds of one trade in the very same microsecond: told apart by out_request_no.
      await knex.raw(
        `INSERT INTO sandbox_alipay_refund (trade_no, out_request_no, refund_amount, refunded_at) VALUES
           (?, 'RF1', 1.50, (SELECT gmt_payment FROM sandbox_alipay_trade WHERE trade_no = 'T000003')),
           (?, 'RF2', 2.50, (SELECT gmt_payment FROM sandbox_alipay_trade WHERE trade_no = 'T000012') + interval '100 microseconds'),
           (?, 'RF2b', 0.25, (SELECT gmt_payment FROM sandbox_alipay_trade WHERE trade_no = 'T000012') + interval '100 microseconds'),
           ('T000040', 'RF3', 0.50, to_timestamp(${FROM_SECONDS} + 7200)),
           ('T000006', 'RF4', 0.70, to_timestamp(${FROM_SECONDS} - 1))`,
        [fourth, third, third],
      );
    });
    after(async () => {
      await database?.close();
    });

    /** The rows as the sandbox listed them before it read in batches: everything at once, then a stable sort by 完成时间. */
    async function wholeDay(): Promise<BillEntry[]> {
      const paid = (await trades.paidOn(DAY)).filter((trade) => trade.appId === APP_ID);
      const changed = await changes.forTrades(paid.map((trade) => trade.tradeNo));
      const refunds = await sandboxRefunds.refundedOn(DAY);
      const refunded = new Map((await trades.byTradeNos(refunds.map((refund) => refund.tradeNo))).map((trade) => [trade.tradeNo, trade]));
      const entries: BillEntry[] = [];
      for (const trade of paid) {
        const change = changed.get(trade.tradeNo);
        if (!change?.omitted) entries.push(tradeEntry(trade, change?.billAmount ?? trade.totalAmount));
      }
      for (const refund of refunds) {
        const trade = refunded.get(refund.tradeNo);
        if (trade && trade.appId === APP_ID) entries.push(refundEntry(trade, refund));
      }
      return entries.sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
    }

    async function collect(rows: SandboxBillRows): Promise<{ batches: number[]; entries: BillEntry[] }> {
      const batches: number[] = [];
      const entries: BillEntry[] = [];
      for await (const batch of rows.entriesOf(DAY, APP_ID)) {
        batches.push(batch.length);
        entries.push(...batch);
      }
      return { batches, entries };
    }

    it('lists the same rows in the same order as the whole day read at once, whatever the batch size', async () => {
      const expected = await wholeDay();
      assert.equal(expected.length, 41 + 1 - 2 + 3, 'the fixture: 41 trades of ours, one at 23:59:59.9995, 2 left out, 3 refunds');
      assert.deepEqual(
        expected.filter((entry) => entry.kind === 'refund').map((entry) => entry.refundNo),
        ['RF2', 'RF2b', 'RF1'],
      );
      for (const size of [1, 2, 3, 7, 1000]) {
        const { batches, entries } = await collect(new SandboxBillRows(database.knex, async () => {}, size));
        assert.deepEqual(entries, expected, `batches of ${size}`);
        assert.ok(
          batches.every((length) => length <= size),
          `no batch above ${size}: ${batches}`,
        );
      }
    });

    it('writes, batch by batch, the zip that the whole text would make', async () => {
      const exportedAt = new Date('2026-11-28T02:15:00Z');
      const expected = await wholeDay();
      const whole = tradeBillZip({ account: '20880000000000010156', day: DAY, entries: expected, exportedAt });
      const streamed = await streamedTradeBillZip({
        account: '20880000000000010156',
        day: DAY,
        batches: new SandboxBillRows(database.knex, async () => {}, 4).entriesOf(DAY, APP_ID),
        exportedAt,
      });
      assert.equal(streamed.fileName, whole.fileName);
      assert.equal(streamed.rows, expected.length);
      const files = (zip: Uint8Array) =>
        Object.entries(unzipSync(zip)).map(([name, data]) => [
          iconv.decode(Buffer.from(name, 'latin1'), 'gbk'),
          iconv.decode(Buffer.from(data), 'gbk'),
        ]);
      assert.deepEqual(files(streamed.zip), files(whole.zip));
      const empty = await streamedTradeBillZip({
        account: '20880000000000010156',
        day: '2026-11-20',
        batches: new SandboxBillRows(database.knex, async () => {}, 4).entriesOf('2026-11-20', APP_ID),
        exportedAt,
      });
      assert.deepEqual(
        files(empty.zip),
        files(tradeBillZip({ account: '20880000000000010156', day: '2026-11-20', entries: [], exportedAt }).zip),
      );
    });
  });
}
