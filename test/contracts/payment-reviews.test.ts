import { Money } from '../../src/domain/money.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryPaymentReviews } from '../../src/infrastructure/in-memory/in-memory-payment-reviews.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { KnexAdminAudit } from '../../src/infrastructure/persistence/knex-admin-audit.ts';
import { KnexPaymentReviews } from '../../src/infrastructure/persistence/knex-payment-reviews.ts';
import { TEST_NOW } from '../support/clock.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';
import { describePaymentReviewsContract } from './payment-reviews.contract.ts';

describePaymentReviewsContract({
  name: 'in-memory',
  async create() {
    const store = new InMemoryStore();
    return {
      reviews: new InMemoryPaymentReviews(store),
      audit: new InMemoryAdminAudit(store),
      async addPayment({ tradeNo, orderId, keptForReview }) {
        store.payments.set(tradeNo, {
          orderId,
          tradeNo,
          amount: Money.parse('88.80'),
          source: 'return',
          receivedAt: TEST_NOW,
          reviewReason: keptForReview ? 'ALREADY_PAID' : null,
        });
      },
    };
  },
  async close() {},
});

for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describePaymentReviewsContract({
    name: `knex on ${harness.name}`,
    async create() {
      db ??= await harness.open();
      await db.truncate();
      const { knex } = db;
      return {
        reviews: new KnexPaymentReviews(knex),
        audit: new KnexAdminAudit(knex),
        async addPayment({ tradeNo, orderId, keptForReview }) {
          await knex('tb_order_info').insert({ order_id: orderId, total_amount: '88.80', pay_method: 2, status: 4 });
          await knex('tb_payment').insert({
            order_id: orderId,
            trade_id: tradeNo,
            amount: '88.80',
            state: keptForReview ? 'needs_review' : 'applied',
            review_reason: keptForReview ? 'ALREADY_PAID' : null,
          });
        },
      };
    },
    async close() {
      await db?.close();
    },
  });
}
