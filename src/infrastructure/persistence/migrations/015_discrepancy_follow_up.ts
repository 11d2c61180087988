import type { Migration } from './migration.ts';

// What staff did about each reconciliation discrepancy. Kept apart from tb_reconciliation_item, which a
// re-run of the day replaces whole: a resolution is keyed by what the discrepancy is (day, kind, order,
// trade), so that a re-run finding it again finds it handled. The primary key lets one operator of two win.
// The items' partial index holds only discrepancies (domain/reconciliation.ts's DISCREPANCY_KINDS, as
// they were when written here): an order's timeline finds its own, and the payments page counts those
// waiting, without reading the matched millions.
export default {
  async up(knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_reconciliation_resolution (
        bill_date date NOT NULL,
        kind varchar(20) NOT NULL,
        order_id varchar(64) COLLATE "C" NOT NULL,
        trade_no varchar(64) NOT NULL,
        resolved_at timestamptz NOT NULL,
        resolved_by varchar(64) NOT NULL,
        note varchar(500) NOT NULL,
        PRIMARY KEY (bill_date, kind, order_id, trade_no)
      )`);
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_reconciliation_resolution_order_idx ON tb_reconciliation_resolution (order_id)');
    await knex.raw(`
      CREATE INDEX IF NOT EXISTS tb_reconciliation_item_discrepancy_idx ON tb_reconciliation_item (order_id, bill_date)
      WHERE kind IN ('repaired_for_review', 'missing_locally', 'amount_mismatch', 'missing_in_bill', 'unknown_order')`);
    // Earlier runs' wording, one of which named a table to staff.
    await knex('tb_reconciliation_item')
      .where('kind', 'unknown_order')
      .whereIn('detail', ['商户订单号不在 tb_order_info 中', '商户订单号不是本店的订单'])
      .update({ detail: '商户订单号在本系统中不存在' });
  },
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS tb_reconciliation_item_discrepancy_idx');
    await knex.raw('DROP TABLE IF EXISTS tb_reconciliation_resolution');
  },
} satisfies Migration;
