import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { PayMethod } from '../../src/domain/order-status.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryReconciliationStore } from '../../src/infrastructure/in-memory/in-memory-reconciliation-store.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { KnexAdminAudit } from '../../src/infrastructure/persistence/knex-admin-audit.ts';
import { KnexReconciliationStore } from '../../src/infrastructure/persistence/knex-reconciliation-store.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { describeDiscrepanciesContract } from './discrepancies.contract.ts';
import { describeReconciliationStoreContract } from './reconciliation-store.contract.ts';
import { describeStagedBillContract } from './staged-bill.contract.ts';

const PLACED = new Date('2026-11-29T12:00:00Z');
const yuan = (fen: number) => Money.ofFen(fen).toString();

describeReconciliationStoreContract({
  name: 'in-memory',
  create: async () => new InMemoryReconciliationStore(new InMemoryStore()),
  async close() {},
});

describeStagedBillContract({
  name: 'in-memory',
  async create() {
    const store = new InMemoryStore();
    return {
      store: new InMemoryReconciliationStore(store),
      async addOrders(orderIds) {
        for (const id of orderIds) store.orders.set(id, Order.place(id, Money.parse('1.00'), PayMethod.ALIPAY, PLACED).toSnapshot());
      },
      async addPayments(payments) {
        for (const p of payments) {
          const amount = p.amountFen === null ? null : Money.ofFen(p.amountFen);
          store.payments.set(p.tradeNo, { ...p, amount, source: 'notify', receivedAt: p.recordedAt, reviewReason: null });
        }
      },
      async addRefunds(refunds) {
        for (const r of refunds) {
          const { amountFen, ...kept } = r;
          const settledAt = r.status === 'pending' ? null : (r.refundedAt ?? PLACED);
          const record = {
            ...kept,
            amount: Money.ofFen(amountFen),
            reason: '',
            requestedBy: '',
            requestedAt: PLACED,
            settledAt,
            refusal: null,
          };
          store.refunds.set(r.outRequestNo, { record, dueAt: null });
        }
      },
    };
  },
  async close() {},
});

for (const harness of databaseHarnesses) {
  // One database per suite: each suite's `after` closes its own.
  let storeDb: TestDatabase | undefined;
  describeReconciliationStoreContract({
    name: `knex on ${harness.name}`,
    async create() {
      storeDb ??= await harness.open();
      await storeDb.truncate();
      return new KnexReconciliationStore(storeDb.knex);
    },
    async close() {
      await storeDb?.close();
    },
  });

  let stageDb: TestDatabase | undefined;
  describeStagedBillContract({
    name: `knex on ${harness.name}`,
    async create() {
      stageDb ??= await harness.open();
      await stageDb.truncate();
      const { knex } = stageDb;
      return {
        store: new KnexReconciliationStore(knex),
        async addOrders(orderIds) {
          const rows = orderIds.map((order_id) => ({ order_id, total_amount: '1.00', pay_method: PayMethod.ALIPAY, create_time: PLACED }));
          await knex.batchInsert('tb_order_info', rows, 1_000);
        },
        async addPayments(payments) {
          const rows = payments.map((p) => ({
            order_id: p.orderId,
            trade_id: p.tradeNo,
            amount: p.amountFen === null ? null : yuan(p.amountFen),
            create_time: p.recordedAt,
          }));
          await knex.batchInsert('tb_payment', rows, 1_000);
        },
        async addRefunds(refunds) {
          const rows = refunds.map((r) => ({
            out_request_no: r.outRequestNo,
            order_id: r.orderId,
            trade_no: r.tradeNo,
            amount: yuan(r.amountFen),
            requested_at: PLACED,
            origin: r.origin,
            status: r.status,
            settled_at: r.status === 'pending' ? null : (r.refundedAt ?? PLACED),
            refunded_at: r.refundedAt,
            update_time: PLACED,
          }));
          await knex.batchInsert('tb_refund', rows, 1_000);
        },
      };
    },
    async close() {
      await stageDb?.close();
    },
  });
}

describeDiscrepanciesContract({
  name: 'in-memory',
  async create() {
    const store = new InMemoryStore();
    return { store: new InMemoryReconciliationStore(store), audit: new InMemoryAdminAudit(store) };
  },
  async close() {},
});

for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describeDiscrepanciesContract({
    name: `knex on ${harness.name}`,
    async create() {
      db ??= await harness.open();
      await db.truncate();
      return { store: new KnexReconciliationStore(db.knex), audit: new KnexAdminAudit(db.knex) };
    },
    async close() {
      await db?.close();
    },
  });
}
