import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryPaymentReviews } from '../../src/infrastructure/in-memory/in-memory-payment-reviews.ts';
import { InMemoryRefundStore } from '../../src/infrastructure/in-memory/in-memory-refund-store.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { KnexAdminAudit } from '../../src/infrastructure/persistence/knex-admin-audit.ts';
import { KnexPaymentReviews } from '../../src/infrastructure/persistence/knex-payment-reviews.ts';
import { KnexRefundStore } from '../../src/infrastructure/persistence/knex-refund-store.ts';
import { TEST_NOW } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { describeRefundStoreContract } from './refund-store.contract.ts';

describeRefundStoreContract({
  name: 'in-memory',
  async create() {
    const store = new InMemoryStore();
    return {
      refunds: new InMemoryRefundStore(store),
      audit: new InMemoryAdminAudit(store),
      reviews: new InMemoryPaymentReviews(store),
      async addPayment({ tradeNo, orderId, amount, keptForReview = false, orderStatus = OrderStatus.UNCOMMENT }) {
        store.orders.set(orderId, { id: orderId, total: Money.parse('88.80'), payMethod: 2, status: orderStatus, updatedAt: TEST_NOW });
        store.payments.set(tradeNo, {
          orderId,
          tradeNo,
          amount: amount === null ? null : Money.parse(amount),
          source: 'notify',
          receivedAt: TEST_NOW,
          reviewReason: keptForReview ? 'ORDER_CANCELED' : null,
        });
      },
      async orderStatus(orderId) {
        return store.orders.get(orderId)!.status;
      },
    };
  },
  async close() {},
});

for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describeRefundStoreContract({
    name: `knex on ${harness.name}`,
    async create() {
      db ??= await harness.open();
      await db.truncate();
      const { knex } = db;
      return {
        refunds: new KnexRefundStore(knex),
        audit: new KnexAdminAudit(knex),
        reviews: new KnexPaymentReviews(knex),
        async addPayment({ tradeNo, orderId, amount, keptForReview = false, orderStatus = OrderStatus.UNCOMMENT }) {
          await knex('tb_order_info').insert({ order_id: orderId, total_amount: '88.80', pay_method: 2, status: orderStatus });
          await knex('tb_payment').insert({
            order_id: orderId,
            trade_id: tradeNo,
            amount,
            state: keptForReview ? 'needs_review' : 'applied',
            review_reason: keptForReview ? 'ORDER_CANCELED' : null,
          });
        },
        async orderStatus(orderId) {
          const row: { status: number } = await knex('tb_order_info').where('order_id', orderId).first('status');
          return row.status as OrderStatus;
        },
      };
    },
    async close() {
      await db?.close();
    },
  });
}
