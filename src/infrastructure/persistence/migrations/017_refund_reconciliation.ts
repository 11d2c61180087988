import type { Migration } from './migration.ts';

// Reconciliation compares the bill's 退款 rows with tb_refund. Its kinds (refund_amount_mismatch,
// refund_status_mismatch, refund_missing_in_bill) are longer than the 20 characters kind had. A refund
// item keeps the refund's out_request_no (the bill's 退款批次号/请求号), which the next day's run asks
// for: a refund that succeeded just after midnight may be on the day before's bill. The discrepancies' partial index is rebuilt with
// the refund kinds among them (DISCREPANCY_KINDS, as they are when written here): its predicate must
// hold every kind knex-discrepancies.ts asks for, or the planner cannot use it.
// Items of the old kind 'refund' are left as they are: what they were compared with was never known, and
// calling them refund_unknown would make every refund of past days a discrepancy. A re-run of such a day
// compares them.
const DISCREPANCIES = [
  'repaired_for_review',
  'missing_locally',
  'amount_mismatch',
  'missing_in_bill',
  'unknown_order',
  'refund_amount_mismatch',
  'refund_status_mismatch',
  'refund_unknown',
  'refund_missing_in_bill',
];
const OLD_DISCREPANCIES = DISCREPANCIES.slice(0, 5);
const list = (kinds: readonly string[]) => kinds.map((kind) => `'${kind}'`).join(', ');
const discrepancyIndex = (kinds: readonly string[]) => `
  CREATE INDEX IF NOT EXISTS tb_reconciliation_item_discrepancy_idx ON tb_reconciliation_item (order_id, bill_date)
  WHERE kind IN (${list(kinds)})`;

export default {
  async up(knex) {
    await knex.raw('ALTER TABLE tb_reconciliation_item ALTER COLUMN kind TYPE varchar(32)');
    await knex.raw('ALTER TABLE tb_reconciliation_resolution ALTER COLUMN kind TYPE varchar(32)');
    await knex.raw('ALTER TABLE tb_reconciliation_item ADD COLUMN IF NOT EXISTS refund_no varchar(64)');
    await knex.raw('DROP INDEX IF EXISTS tb_reconciliation_item_discrepancy_idx');
    await knex.raw(discrepancyIndex(DISCREPANCIES));
  },
  async down(knex) {
    await knex('tb_reconciliation_item').where('kind', 'refund_missing_in_bill').delete();
    await knex('tb_reconciliation_item')
      .whereIn('kind', ['refund_matched', 'refund_amount_mismatch', 'refund_status_mismatch', 'refund_unknown'])
      .update({ kind: 'refund', local_amount: null });
    await knex('tb_reconciliation_resolution').whereNotIn('kind', OLD_DISCREPANCIES).delete();
    await knex.raw('DROP INDEX IF EXISTS tb_reconciliation_item_discrepancy_idx');
    await knex.raw(discrepancyIndex(OLD_DISCREPANCIES));
    await knex.raw('ALTER TABLE tb_reconciliation_item DROP COLUMN IF EXISTS refund_no');
    await knex.raw('ALTER TABLE tb_reconciliation_resolution ALTER COLUMN kind TYPE varchar(20)');
    await knex.raw('ALTER TABLE tb_reconciliation_item ALTER COLUMN kind TYPE varchar(20)');
  },
} satisfies Migration;
