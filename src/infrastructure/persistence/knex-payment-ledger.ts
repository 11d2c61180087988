import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import type { PaymentFilter, PaymentLedger, PaymentRecord } from '../../application/ports/payment-ledger.ts';
import type { ReviewReason } from '../../domain/errors.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { PaymentSource } from '../../domain/payment.ts';
import { INFRA } from '../tokens.ts';
import { isBigintId, isUtcMicros, type Keyset, keysetPage, prefixPattern } from './keyset.ts';
import { guarded } from './store-errors.ts';

interface LedgerRow {
  id: string | number;
  order_id: string;
  trade_id: string | null;
  amount: string | null;
  order_status: number | null;
  state: string;
  review_reason: string | null;
  source: string;
  create_time: Date;
  /** create_time to the microsecond, in UTC, as the cursor carries it. */
  cursor_time: string;
}

const NEWEST_FIRST: Keyset<LedgerRow> = {
  columns: ['p.create_time', 'p.id'],
  valid: [isUtcMicros, isBigintId],
  cursorOf: (row) => [row.cursor_time, String(row.id)],
};
const EXPORT_BATCH = 1_000;

@injectable()
export class KnexPaymentLedger implements PaymentLedger {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  page(filter: PaymentFilter, request: PageRequest): Promise<Page<PaymentRecord>> {
    return guarded(async () => {
      const page = await keysetPage(this.query(filter), NEWEST_FIRST, request);
      return { ...page, rows: page.rows.map(toRecord) };
    });
  }

  async *all(filter: PaymentFilter): AsyncIterable<PaymentRecord> {
    let after: string | undefined;
    do {
      const page = await this.page(filter, { after, limit: EXPORT_BATCH });
      yield* page.rows;
      after = page.next ?? undefined;
    } while (after);
  }

  countNeedingReview(): Promise<number> {
    return guarded(async () => {
      const [row] = await this.knex('tb_payment').where({ state: 'needs_review' }).count({ n: '*' });
      return Number(row?.n ?? 0);
    });
  }

  forOrder(orderId: string, limit: number): Promise<PaymentRecord[]> {
    return guarded(async () => {
      const rows: LedgerRow[] = await this.query({})
        .where('p.order_id', orderId)
        .orderBy([
          { column: 'p.create_time', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .limit(limit);
      return rows.reverse().map(toRecord);
    });
  }

  private query({ q, state, from, until }: PaymentFilter): Knex.QueryBuilder {
    const query = this.knex('tb_payment as p')
      .leftJoin('tb_order_info as o', 'o.order_id', 'p.order_id')
      .select(
        'p.id',
        'p.order_id',
        'p.trade_id',
        'p.amount',
        'o.status as order_status',
        'p.state',
        'p.review_reason',
        'p.source',
        'p.create_time',
      )
      .select(this.knex.raw(`to_char(p.create_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_time`));
    if (q) query.where((w) => w.where('p.trade_id', 'like', prefixPattern(q)).orWhere('p.order_id', 'like', prefixPattern(q)));
    if (state) query.where('p.state', state);
    if (from) query.where('p.create_time', '>=', from);
    if (until) query.where('p.create_time', '<', until);
    return query;
  }
}

function toRecord(row: LedgerRow): PaymentRecord {
  return {
    id: String(row.id),
    orderId: row.order_id,
    tradeNo: row.trade_id,
    amount: row.amount,
    orderStatus: row.order_status === null ? null : (Number(row.order_status) as OrderStatus),
    reviewReason: row.state === 'needs_review' ? (row.review_reason as ReviewReason) : null,
    source: row.source as PaymentSource,
    receivedAt: row.create_time,
  };
}
