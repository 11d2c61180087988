import type { Migration } from './migration.ts';

// Every refund of a payment: ours stored before Alipay is asked, and those made in Alipay's portal.
// The amount check and the foreign key keep any writer honest; what may still be refunded is weighed
// under the payment row's lock (knex-refund-store.ts). Pending refunds due for a check have a small index.
export default {
  async up(knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS tb_refund (
        out_request_no varchar(64) PRIMARY KEY,
        order_id varchar(64) COLLATE "C" NOT NULL,
        trade_no varchar(100) NOT NULL REFERENCES tb_payment (trade_id),
        amount numeric(10,2) NOT NULL CHECK (amount > 0),
        reason varchar(256) NOT NULL DEFAULT '',
        requested_by varchar(64) NOT NULL DEFAULT '',
        requested_at timestamptz NOT NULL,
        origin varchar(8) NOT NULL CHECK (origin IN ('ours', 'external')),
        status varchar(8) NOT NULL CHECK (status IN ('pending', 'refunded', 'refused')),
        settled_at timestamptz,
        refunded_at timestamptz,
        refusal_code varchar(64),
        refusal_message varchar(256),
        due_at timestamptz,
        update_time timestamptz NOT NULL,
        CHECK ((status = 'refunded') = (refunded_at IS NOT NULL))
      )`);
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_refund_trade_idx ON tb_refund (trade_no)');
    await knex.raw('CREATE INDEX IF NOT EXISTS tb_refund_order_idx ON tb_refund (order_id)');
    await knex.raw("CREATE INDEX IF NOT EXISTS tb_refund_due_idx ON tb_refund (due_at) WHERE status = 'pending' AND due_at IS NOT NULL");
    await knex.raw(
      "CREATE INDEX IF NOT EXISTS tb_refund_refunded_idx ON tb_refund (refunded_at, out_request_no) WHERE status = 'refunded'",
    );
  },
  async down(knex) {
    await knex.raw('DROP TABLE IF EXISTS tb_refund');
  },
} satisfies Migration;
