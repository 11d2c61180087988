import { Money } from '../../src/domain/money.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { InMemoryPaymentLedger } from '../../src/infrastructure/in-memory/in-memory-payment-ledger.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { KnexPaymentLedger } from '../../src/infrastructure/persistence/knex-payment-ledger.ts';
import { fixedClock, TEST_NOW } from '../support/clock.ts';
import { type DatabaseHarness, databaseHarnesses } from '../support/databases.ts';
import { describePaymentLedgerContract, type LedgerHarness, type LedgerRow } from './payment-ledger.contract.ts';

const BATCH = 500;

/** The ledger over tb_payment and tb_order_info, the rows written as Meiduo's tables hold them. */
function onDatabase(database: DatabaseHarness): LedgerHarness {
  return {
    name: `knex on ${database.name}`,
    async open() {
      const db = await database.open();
      const orderRow = (row: LedgerRow) => ({
        order_id: row.orderId,
        total_amount: '88.80',
        pay_method: PayMethod.ALIPAY,
        status: OrderStatus.UNCOMMENT,
      });
      const paymentRow = (row: LedgerRow) => ({
        order_id: row.orderId,
        trade_id: row.tradeNo,
        amount: row.amount,
        source: row.source,
        create_time: row.receivedAt,
        state: row.reviewReason === null ? 'applied' : 'needs_review',
        review_reason: row.reviewReason,
        resolved_at: row.resolution?.at ?? null,
        resolved_by: row.resolution?.by ?? null,
        resolution_note: row.resolution?.note ?? null,
      });
      return {
        ledger: new KnexPaymentLedger(db.knex, fixedClock()),
        async insert(rows) {
          for (let i = 0; i < rows.length; i += BATCH) {
            const batch = rows.slice(i, i + BATCH);
            await db.knex('tb_order_info').insert(batch.map(orderRow)).onConflict('order_id').ignore();
            await db.knex('tb_payment').insert(batch.map(paymentRow));
          }
        },
        async resolve(tradeNo, { at, by, note }) {
          await db.knex('tb_payment').where({ trade_id: tradeNo }).update({ resolved_at: at, resolved_by: by, resolution_note: note });
        },
        async remove(tradeNo) {
          await db.knex('tb_payment').where({ trade_id: tradeNo }).delete();
        },
        empty: () => db.truncate(),
        close: () => db.close(),
      };
    },
  };
}

const inMemory: LedgerHarness = {
  name: 'in-memory',
  async open() {
    const store = new InMemoryStore();
    return {
      ledger: new InMemoryPaymentLedger(store, fixedClock()),
      async insert(rows) {
        for (const { orderId, tradeNo, amount, source, receivedAt, reviewReason, resolution } of rows) {
          const order = {
            id: orderId,
            total: Money.parse('88.80'),
            payMethod: PayMethod.ALIPAY,
            status: OrderStatus.UNCOMMENT,
            updatedAt: TEST_NOW,
          };
          if (!store.orders.has(orderId)) store.orders.set(orderId, order);
          store.payments.set(tradeNo, {
            orderId,
            tradeNo,
            amount: amount === null ? null : Money.parse(amount),
            source,
            receivedAt,
            reviewReason,
          });
          if (resolution) store.resolutions.set(tradeNo, resolution);
        }
      },
      async resolve(tradeNo, resolution) {
        store.resolutions.set(tradeNo, resolution);
      },
      async remove(tradeNo) {
        store.payments.delete(tradeNo);
      },
      async empty() {
        for (const table of [store.orders, store.payments, store.resolutions, store.orderPlacedAt, store.queries]) table.clear();
      },
      async close() {},
    };
  },
};

for (const database of databaseHarnesses) describePaymentLedgerContract(onDatabase(database));
describePaymentLedgerContract(inMemory);
