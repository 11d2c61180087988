import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { Clock } from '../../application/ports/clock.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import {
  COUNT_CAP,
  type DayTotals,
  type PaymentFilter,
  type PaymentLedger,
  type PaymentRecord,
  type PaymentTotals,
  TOTAL_DAYS_MAX,
} from '../../application/ports/payment-ledger.ts';
import { TOKENS } from '../../application/tokens.ts';
import { beijingMidnight, beijingTimestamp } from '../../domain/beijing-time.ts';
import type { ReviewReason } from '../../domain/errors.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { PaymentSource } from '../../domain/payment.ts';
import { everyRow } from '../keyset-paging.ts';
import { INFRA } from '../tokens.ts';
import { searchingIds } from './id-search.ts';
import { isBigintId, isUtcMicros, type Keyset, keysetPage } from './keyset.ts';
import { guarded } from './store-errors.ts';

interface LedgerRow {
  id: string | number;
  order_id: string;
  trade_id: string | null;
  amount: string | null;
  order_status: number | null;
  state: string;
  review_reason: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_note: string | null;
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
const DAY_MS = 86_400_000;
// Beijing has no daylight saving: its day is the UTC instant moved eight hours.
const BEIJING_DAY = `(p.create_time at time zone 'UTC' + interval '8 hours')::date`;
const APPLIED = `p.state = 'applied'`;

interface DayRow {
  day: string;
  applied_n: string | number;
  applied_amount: string;
  review_n: string | number;
  review_amount: string;
}

@injectable()
export class KnexPaymentLedger implements PaymentLedger {
  constructor(
    @inject(INFRA.Knex) private readonly knex: Knex,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  page(filter: PaymentFilter, request: PageRequest): Promise<Page<PaymentRecord>> {
    return guarded(async () => {
      const page = await keysetPage(this.query(filter), NEWEST_FIRST, request);
      return { ...page, rows: page.rows.map(toRecord) };
    });
  }

  all(filter: PaymentFilter): AsyncIterable<PaymentRecord> {
    return everyRow((request) => this.page(filter, request), EXPORT_BATCH);
  }

  countNeedingReview(): Promise<number> {
    return guarded(async () => {
      const [row] = await this.knex('tb_payment').where({ state: 'needs_review' }).whereNull('resolved_at').count({ n: '*' });
      return Number(row?.n ?? 0);
    });
  }

  totals(filter: PaymentFilter): Promise<PaymentTotals> {
    return guarded(async () => {
      // Counting stops past the cap: an exact count of a million rows costs what a page must not.
      const matching = this.filtered(this.knex('tb_payment as p'), filter)
        .select(this.knex.raw('1'))
        .limit(COUNT_CAP + 1);
      const [counted] = await this.knex.from(matching.as('m')).count({ n: '*' });
      const found = Number(counted?.n ?? 0);
      const count = Math.min(found, COUNT_CAP);
      const atLeast = found > COUNT_CAP;
      if (!filter.from && !filter.until) return { count, atLeast, days: [] };
      // Whole Beijing days: the newest TOTAL_DAYS_MAX of the range, each day counted entire.
      const newest = filter.until ?? beijingMidnight(beijingTimestamp(this.clock.now()).slice(0, 10), 1);
      const oldest = new Date(Math.max(filter.from?.getTime() ?? 0, newest.getTime() - TOTAL_DAYS_MAX * DAY_MS));
      const days: DayRow[] = await this.filtered(this.knex('tb_payment as p'), { ...filter, from: oldest })
        .select(
          this.knex.raw(`${BEIJING_DAY}::text as day`),
          this.knex.raw(`count(*) filter (where ${APPLIED}) as applied_n`),
          // numeric(10,2) sums keep two decimals as text: exact, however large.
          this.knex.raw(`coalesce(sum(p.amount) filter (where ${APPLIED}), 0.00)::text as applied_amount`),
          this.knex.raw(`count(*) filter (where not ${APPLIED}) as review_n`),
          this.knex.raw(`coalesce(sum(p.amount) filter (where not ${APPLIED}), 0.00)::text as review_amount`),
        )
        .groupByRaw(BEIJING_DAY)
        .orderBy('day', 'desc');
      return { count, atLeast, days: days.map(toDayTotals) };
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

  private query(filter: PaymentFilter): Knex.QueryBuilder {
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
        'p.resolved_at',
        'p.resolved_by',
        'p.resolution_note',
        'p.source',
        'p.create_time',
      )
      .select(this.knex.raw(`to_char(p.create_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_time`));
    return this.filtered(query, filter);
  }

  /** The filter's conditions on tb_payment as p. A search of three or more characters is served by the trigram indexes. */
  private filtered(query: Knex.QueryBuilder, { q, state, from, until }: PaymentFilter): Knex.QueryBuilder {
    if (q) searchingIds(query, ['p.trade_id', 'p.order_id'], q);
    if (state === 'applied') query.where('p.state', 'applied');
    if (state === 'needs_review') query.where('p.state', 'needs_review').whereNull('p.resolved_at');
    if (state === 'resolved') query.where('p.state', 'needs_review').whereNotNull('p.resolved_at');
    if (from) query.where('p.create_time', '>=', from);
    if (until) query.where('p.create_time', '<', until);
    return query;
  }
}

function toDayTotals(row: DayRow): DayTotals {
  return {
    day: row.day,
    applied: { count: Number(row.applied_n), amount: row.applied_amount },
    keptForReview: { count: Number(row.review_n), amount: row.review_amount },
  };
}

function toRecord(row: LedgerRow): PaymentRecord {
  return {
    id: String(row.id),
    orderId: row.order_id,
    tradeNo: row.trade_id,
    amount: row.amount,
    orderStatus: row.order_status === null ? null : (Number(row.order_status) as OrderStatus),
    reviewReason: row.state === 'needs_review' ? (row.review_reason as ReviewReason) : null,
    resolution: row.resolved_at === null ? null : { at: row.resolved_at, by: row.resolved_by ?? '', note: row.resolution_note ?? '' },
    source: row.source as PaymentSource,
    receivedAt: row.create_time,
  };
}
