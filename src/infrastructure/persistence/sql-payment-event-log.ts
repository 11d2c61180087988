import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { PaymentEvent, PaymentEventKind, PaymentEventLog } from '../../application/ports/payment-events.ts';
import { INFRA } from '../tokens.ts';
import { fit } from './column-text.ts';
import type { Sql } from './sql.ts';
import { guarded } from './store-errors.ts';

interface EventRow {
  readonly order_id: string;
  readonly create_time: Date;
  readonly kind: string;
  readonly summary: string;
}

// Every notify appends one: a prepared statement on the driver, where knex's query builder cost twice the CPU.
const APPEND = {
  name: 'payment_event_append',
  text: 'INSERT INTO tb_payment_event (order_id, create_time, kind, summary) VALUES ($1, $2, $3, $4)',
};

/** tb_payment_event. */
@injectable()
export class SqlPaymentEventLog implements PaymentEventLog {
  constructor(
    @inject(INFRA.Knex) private readonly knex: Knex,
    @inject(INFRA.Sql) private readonly sql: Sql,
  ) {}

  append({ orderId, at, kind, summary }: PaymentEvent): Promise<void> {
    return guarded(async () => {
      await this.sql.query(APPEND, [orderId, at, kind, fit(summary, 300)]);
    });
  }

  prune(before: Date, limit: number): Promise<number> {
    return guarded(async () => {
      const { rowCount } = await this.knex.raw(
        `DELETE FROM tb_payment_event WHERE id IN
           (SELECT id FROM tb_payment_event WHERE create_time < ? ORDER BY create_time, id LIMIT ?)`,
        [before, limit],
      );
      return rowCount ?? 0;
    });
  }

  listFor(orderId: string, limit: number): Promise<PaymentEvent[]> {
    return guarded(async () => {
      const rows: EventRow[] = await this.knex('tb_payment_event')
        .select('order_id', 'create_time', 'kind', 'summary')
        .where('order_id', orderId)
        .orderBy([
          { column: 'create_time', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
      return rows
        .reverse()
        .map((row) => ({ orderId: row.order_id, at: row.create_time, kind: row.kind as PaymentEventKind, summary: row.summary }));
    });
  }
}
