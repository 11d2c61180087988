import { buildIndexConcurrently } from '../search-indexes.ts';
import type { Migration } from './migration.ts';

// Old payment events are deleted by age (PAYMENT_EVENT_RETENTION_DAYS): found by their time.
export default {
  config: { transaction: false },
  up: (knex) => buildIndexConcurrently(knex, 'tb_payment_event_time_idx', 'tb_payment_event (create_time, id)'),
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS tb_payment_event_time_idx');
  },
} satisfies Migration;
