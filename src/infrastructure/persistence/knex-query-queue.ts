import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { ClaimedQuery, QueryQueue } from '../../application/ports/query-queue.ts';
import { OrderStatus, PayMethod } from '../../domain/order-status.ts';
import type { QuerySchedule } from '../../domain/query-schedule.ts';
import { INFRA } from '../tokens.ts';
import { guarded } from './store-errors.ts';

const AWAITING_ALIPAY = `o.status = ${OrderStatus.UNPAID} AND o.pay_method = ${PayMethod.ALIPAY}`;

/**
 * tb_payment_query. PostgreSQL coordinates the processes: a due row is claimed under FOR UPDATE SKIP
 * LOCKED and moved to its next slot in the same transaction, so no two processes ask the same question.
 */
@injectable()
export class KnexQueryQueue implements QueryQueue {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  restart(orderId: string, at: Date, schedule: QuerySchedule): Promise<void> {
    return guarded(async () => {
      await this.knex.raw(
        `INSERT INTO tb_payment_query (order_id, anchor, due_at, update_time) VALUES (?, ?, ?, ?)
         ON CONFLICT (order_id) DO UPDATE SET anchor = excluded.anchor,
           due_at = LEAST(tb_payment_query.due_at, excluded.due_at), update_time = excluded.update_time`,
        [orderId, at, schedule.firstDue(at), at],
      );
    });
  }

  discover(placedAfter: Date, now: Date, schedule: QuerySchedule): Promise<number> {
    return guarded(async () => {
      // Rows of orders paid or cancelled meanwhile would stay due forever.
      await this.knex.raw(
        `UPDATE tb_payment_query q SET due_at = NULL, update_time = ?
         WHERE q.due_at <= ? AND NOT EXISTS (SELECT 1 FROM tb_order_info o WHERE o.order_id = q.order_id AND ${AWAITING_ALIPAY})`,
        [now, now],
      );
      const { rowCount } = await this.knex.raw(
        `INSERT INTO tb_payment_query (order_id, anchor, due_at, update_time)
         SELECT o.order_id, o.create_time, o.create_time + ? * interval '1 millisecond', ? FROM tb_order_info o
         WHERE ${AWAITING_ALIPAY} AND o.create_time > ? AND o.create_time <= ?
         ON CONFLICT (order_id) DO NOTHING`,
        [schedule.offsetsMs[0]!, now, placedAfter, now],
      );
      return rowCount ?? 0;
    });
  }

  claimDue(now: Date, limit: number, schedule: QuerySchedule): Promise<ClaimedQuery[]> {
    return guarded(() =>
      this.knex.transaction(async (trx) => {
        const { rows } = await trx.raw<{ rows: { order_id: string; anchor: Date }[] }>(
          `SELECT q.order_id, q.anchor FROM tb_payment_query q JOIN tb_order_info o ON o.order_id = q.order_id
           WHERE q.due_at <= ? AND ${AWAITING_ALIPAY}
           ORDER BY q.due_at LIMIT ? FOR UPDATE OF q SKIP LOCKED`,
          [now, limit],
        );
        for (const { order_id, anchor } of rows) {
          await trx('tb_payment_query')
            .where('order_id', order_id)
            .update({ due_at: schedule.nextAfter(anchor, now), update_time: now });
        }
        return rows.map(({ order_id, anchor }) => ({ orderId: order_id, anchor: new Date(anchor) }));
      }),
    );
  }

  finish(orderId: string, at: Date): Promise<void> {
    return guarded(async () => {
      await this.knex('tb_payment_query').where('order_id', orderId).update({ due_at: null, update_time: at });
    });
  }
}
