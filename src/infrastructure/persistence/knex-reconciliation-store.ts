import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { AdminAction } from '../../application/ports/admin-audit.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import type {
  DiscrepancyKey,
  ItemCounts,
  ItemFilter,
  OrderDiscrepancies,
  ReconciliationItem,
  ReconciliationRun,
  ReconciliationStore,
  StoredItem,
  UnfoundResolution,
  WaitingDiscrepancies,
} from '../../application/ports/reconciliation-store.ts';
import type { StagedBill } from '../../application/ports/staged-bill.ts';
import type { BillTotals } from '../../application/ports/trade-bill.ts';
import { isCalendarDay } from '../../domain/calendar-day.ts';
import type { DiscrepancyResolution, DiscrepancyState } from '../../domain/discrepancy.ts';
import { ITEM_KINDS, type ItemKind } from '../../domain/reconciliation.ts';
import { decodeCursor, pageOf } from '../keyset-paging.ts';
import { INFRA } from '../tokens.ts';
import { fit } from './column-text.ts';
import { isBigintId, type Keyset, keysetPage } from './keyset.ts';
import { KnexDiscrepancies } from './knex-discrepancies.ts';
import { openStage } from './knex-staged-bill.ts';
import { ITEM_COLUMNS, type ItemRow } from './reconciliation-item-row.ts';
import { saveRunRow } from './reconciliation-run-row.ts';
import { guarded } from './store-errors.ts';

interface RunRow {
  date: string;
  finished_at: Date;
  counts: Partial<Record<ItemKind, number>>;
  bill_totals: BillTotals | null;
  local_count: number;
  local_amount: string | number;
  deferred: number;
  problems: string[];
}

const RUN_COLUMNS = ['finished_at', 'counts', 'bill_totals', 'local_count', 'local_amount', 'deferred', 'problems'];
const NEWEST_DAY_FIRST: Keyset<RunRow> = { columns: ['bill_date'], valid: [isCalendarDay], cursorOf: (row) => [row.date] };
// Rows go in as one array a column (unnest): 8 parameters a statement however many rows, which halved
// a 100,000-item save on PGlite against knex's multi-row insert of 1,000.
const INSERT_BATCH = 5_000;
const ITEM_FIELDS = ['kind', 'order_id', 'trade_no', 'local_amount', 'bill_amount', 'detail', 'refund_no'] as const;
// An item cursor: matched ('t') or not ('f'), the order id, the row id.
const ITEM_CURSOR = [(v: string) => v === 't' || v === 'f', (v: string) => v.length <= 64 && !v.includes('\u0000'), isBigintId];

/** tb_reconciliation_run and tb_reconciliation_item, and what staff did about discrepancies (knex-discrepancies.ts). */
@injectable()
export class KnexReconciliationStore implements ReconciliationStore {
  private readonly discrepancies: KnexDiscrepancies;

  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {
    this.discrepancies = new KnexDiscrepancies(knex);
  }

  stage(date: string): Promise<StagedBill> {
    return openStage(this.knex, date);
  }

  /** The run's row is written first: a second save of the same day waits on its lock, then replaces it whole. */
  save(run: ReconciliationRun, items: readonly ReconciliationItem[]): Promise<void> {
    return guarded(() =>
      this.knex.transaction(async (trx) => {
        await saveRunRow(trx, run);
        await trx('tb_reconciliation_item').where('bill_date', run.date).delete();
        for (let start = 0; start < items.length; start += INSERT_BATCH) {
          const rows = items.slice(start, start + INSERT_BATCH).map(itemRow);
          await trx.raw(
            `INSERT INTO tb_reconciliation_item (bill_date, kind, order_id, trade_no, local_amount, bill_amount, detail, refund_no)
             SELECT ?::date, * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])`,
            [run.date, ...ITEM_FIELDS.map((field) => rows.map((row) => row[field]) as Knex.Value)],
          );
        }
      }),
    );
  }

  runs(request: PageRequest): Promise<Page<ReconciliationRun>> {
    return guarded(async () => {
      const page = await keysetPage(this.runQuery(), NEWEST_DAY_FIRST, request);
      return { ...page, rows: page.rows.map(toRun) };
    });
  }

  run(date: string): Promise<ReconciliationRun | null> {
    return guarded(async () => {
      if (!isCalendarDay(date)) return null;
      const row: RunRow | undefined = await this.runQuery().where('bill_date', date).first();
      return row ? toRun(row) : null;
    });
  }

  /**
   * Ascending keyset paging over (matched last, order_id, id); with a kind filter the first key is
   * constant, so only (order_id, id) is compared and the (bill_date, kind, order_id, id) index serves.
   */
  items(date: string, request: PageRequest, filter: ItemFilter = {}): Promise<Page<StoredItem>> {
    return guarded(async () => {
      const cursor = decodeCursor(request, ITEM_CURSOR);
      if (!isCalendarDay(date)) return { rows: [], next: null, previous: null };
      const backwards = request.before !== undefined;
      const query = this.knex('tb_reconciliation_item').select(ITEM_COLUMNS).where('bill_date', date);
      const keys = filter.kind ? ['order_id', 'id'] : ["(kind = 'matched')", 'order_id', 'id'];
      if (filter.kind) query.where('kind', filter.kind);
      if (filter.orderId !== undefined) query.where('order_id', fit(filter.orderId, 64));
      if (cursor) {
        const values = filter.kind ? cursor.slice(1) : cursor;
        const casts = filter.kind ? ['?', '?::bigint'] : ['?::boolean', '?', '?::bigint'];
        query.whereRaw(`(${keys.join(', ')}) ${backwards ? '<' : '>'} (${casts.join(', ')})`, values);
      }
      query.orderByRaw(keys.map((key) => `${key} ${backwards ? 'desc' : 'asc'}`).join(', ')).limit(request.limit + 1);
      const page = pageOf((await query) as ItemRow[], request, (row) => [row.kind === 'matched' ? 't' : 'f', row.order_id, String(row.id)]);
      return { ...page, rows: await this.discrepancies.withResolutions(page.rows.map((row) => ({ ...row, date }))) };
    });
  }

  item(date: string, id: string): Promise<StoredItem | null> {
    return guarded(async () => {
      if (!isCalendarDay(date) || !isBigintId(id)) return null;
      const row = await this.discrepancies.itemRow(date, id);
      return row ? ((await this.discrepancies.withResolutions([row]))[0] ?? null) : null;
    });
  }

  discrepancyState(key: DiscrepancyKey): Promise<DiscrepancyState> {
    return this.discrepancies.state(key);
  }

  resolve(key: DiscrepancyKey, resolution: DiscrepancyResolution, audit: AdminAction): Promise<boolean> {
    return this.discrepancies.resolve(key, resolution, audit);
  }

  unfound(date: string, limit: number): Promise<UnfoundResolution[]> {
    return this.discrepancies.unfound(date, limit);
  }

  forOrder(orderId: string, limit: number): Promise<OrderDiscrepancies> {
    return this.discrepancies.forOrder(orderId, limit);
  }

  waiting(): Promise<WaitingDiscrepancies> {
    return this.discrepancies.waiting();
  }

  private runQuery(): Knex.QueryBuilder {
    return this.knex('tb_reconciliation_run').select(RUN_COLUMNS).select(this.knex.raw(`to_char(bill_date, 'YYYY-MM-DD') as date`));
  }
}

function itemRow(item: ReconciliationItem) {
  return {
    kind: item.kind,
    order_id: fit(item.orderId, 64),
    trade_no: fit(item.tradeNo, 64),
    local_amount: item.localAmountFen,
    bill_amount: item.billAmountFen,
    detail: fit(item.detail, 300),
    refund_no: item.refundNo === null ? null : fit(item.refundNo, 64),
  };
}

function toRun(row: RunRow): ReconciliationRun {
  const counts = Object.fromEntries(ITEM_KINDS.map((kind) => [kind, Number(row.counts[kind] ?? 0)])) as ItemCounts;
  return {
    date: row.date,
    finishedAt: row.finished_at,
    counts,
    billTotals: row.bill_totals,
    localTotals: { count: Number(row.local_count), amountFen: Number(row.local_amount) },
    deferred: Number(row.deferred),
    problems: row.problems,
  };
}
