import { inject, injectable } from 'inversify';
import { DuplicatePayment } from '../../application/errors.ts';
import type { PaymentRepository, TradeAndOrder } from '../../application/ports/payment-repository.ts';
import type { AwaitedPayment } from '../../domain/awaited-payment.ts';
import type { Order } from '../../domain/order.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { Payment } from '../../domain/payment.ts';
import { INFRA } from '../tokens.ts';
import type { Sql } from './sql.ts';
import { guarded, isUniqueViolation } from './store-errors.ts';
import { ORDER_COLUMNS, type OrderRecord, type PaymentRecord, paymentRecord, toOrder, toPayment } from './table-records.ts';

// Always one row: either side is all nulls when it is missing.
const tradeRead = (tradeNo: string, orderId: string) =>
  `SELECT ${ORDER_COLUMNS.map((column) => `o.${column}`).join(', ')},
      p.order_id AS payment_order_id, p.trade_id, p.amount, p.source, p.state, p.review_reason, p.create_time AS payment_time
    FROM (SELECT 1) AS one
    LEFT JOIN tb_order_info o ON o.order_id = ${orderId}
    LEFT JOIN tb_payment p ON p.trade_id = ${tradeNo}`;
const FIND_TRADE = { name: 'payment_find_trade', text: tradeRead('$1', '$2') };

interface TradeRow extends OrderRecord {
  readonly payment_order_id: string;
  readonly trade_id: string | null;
  readonly amount: string | null;
  readonly source: PaymentRecord['source'];
  readonly state: PaymentRecord['state'];
  readonly review_reason: PaymentRecord['review_reason'];
  readonly payment_time: Date;
}

const INSERT_FROM = `INSERT INTO tb_payment (order_id, trade_id, amount, source, state, review_reason, create_time, update_time)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM`;
// One statement is one atomic write. Each guard takes the order's row lock and re-reads its status
// after any concurrent writer commits, so a decision made on a stale read writes nothing.
const MOVE_ORDER_AND_INSERT = {
  name: 'payment_record_moving_order',
  text: `WITH moved AS (UPDATE tb_order_info SET status = $10, update_time = $11 WHERE order_id = $1 AND status = $9 RETURNING 1)
    ${INSERT_FROM} moved`,
};
const INSERT_IF_ORDER_UNCHANGED = {
  name: 'payment_record_order_unchanged',
  text: `WITH unchanged AS (SELECT 1 FROM tb_order_info WHERE order_id = $1 AND status = $9 FOR SHARE)
    ${INSERT_FROM} unchanged`,
};
// The domain's guard of the common case. The order moves only if it is stored as awaited and the trade_no
// is absent; a concurrent insert of the same trade_no fails the whole statement, the move included. Data-
// modifying CTEs run whatever the final SELECT reads; it answers FIND_TRADE's row, from the statement's
// snapshot, only when nothing was written: no row means recorded. Exported: npm run bench's pgbench ceiling
// runs this very statement.
export const RECORD_IF_AWAITED = {
  name: 'payment_record_if_awaited',
  text: `WITH paid AS (
      UPDATE tb_order_info SET status = $12, update_time = $13
      WHERE order_id = $1 AND status = $9 AND pay_method = $10 AND total_amount = $11
        AND NOT EXISTS (SELECT 1 FROM tb_payment WHERE trade_id = $2)
      RETURNING 1),
    recorded AS (${INSERT_FROM} paid RETURNING 1)
    ${tradeRead('$2', '$1')}
    WHERE NOT EXISTS (SELECT 1 FROM recorded)`,
};

/** Prepared statements on the driver, on the connections of knex's pool. */
@injectable()
export class SqlPaymentRepository implements PaymentRepository {
  constructor(@inject(INFRA.Sql) private readonly sql: Sql) {}

  findTrade(tradeNo: string, orderId: string): Promise<TradeAndOrder> {
    return guarded(async () => toTradeAndOrder((await this.sql.query<TradeRow>(FIND_TRADE, [tradeNo, orderId])).rows[0]));
  }

  recordIfAwaited({ awaiting, paid, payment }: AwaitedPayment): Promise<'recorded' | TradeAndOrder> {
    const r = paymentRecord(payment);
    const guard = [awaiting.status, awaiting.payMethod, awaiting.total.toString(), paid.status, paid.updatedAt];
    const values = [r.order_id, r.trade_id, r.amount, r.source, r.state, r.review_reason, r.create_time, r.update_time, ...guard];
    return guarded(async () => {
      try {
        const { rows } = await this.sql.query<TradeRow>(RECORD_IF_AWAITED, values);
        return rows.length === 0 ? 'recorded' : toTradeAndOrder(rows[0]);
      } catch (error) {
        // The trade_no was stored meanwhile: the statement failed whole, the order's move included.
        if (!isUniqueViolation(error)) throw error;
        return this.findTrade(payment.tradeNo, awaiting.id);
      }
    });
  }

  record(payment: Payment, order: Order, readStatus: OrderStatus): Promise<boolean> {
    const r = paymentRecord(payment);
    const { status, updatedAt } = order.toSnapshot();
    const values = [r.order_id, r.trade_id, r.amount, r.source, r.state, r.review_reason, r.create_time, r.update_time, readStatus];
    return guarded(async () => {
      try {
        const { rowCount } =
          status === readStatus
            ? await this.sql.query(INSERT_IF_ORDER_UNCHANGED, values)
            : await this.sql.query(MOVE_ORDER_AND_INSERT, [...values, status, updatedAt]);
        return rowCount === 1;
      } catch (error) {
        throw isUniqueViolation(error) ? new DuplicatePayment(payment.tradeNo) : error;
      }
    });
  }
}

function toTradeAndOrder(row: TradeRow | undefined): TradeAndOrder {
  const payment =
    row?.trade_id == null
      ? undefined
      : { ...row, order_id: row.payment_order_id, create_time: row.payment_time, update_time: row.payment_time };
  return { payment: toPayment(payment), order: toOrder(row?.order_id == null ? undefined : row) };
}
