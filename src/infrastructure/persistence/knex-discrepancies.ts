import type { Knex } from 'knex';
import type { AdminAction } from '../../application/ports/admin-audit.ts';
import { COUNT_CAP } from '../../application/ports/payment-ledger.ts';
import type {
  DiscrepancyKey,
  OrderDiscrepancies,
  StoredItem,
  UnfoundResolution,
  WaitingDiscrepancies,
} from '../../application/ports/reconciliation-store.ts';
import { isCalendarDay } from '../../domain/calendar-day.ts';
import type { DiscrepancyResolution, DiscrepancyState } from '../../domain/discrepancy.ts';
import { DISCREPANCY_KINDS, type ItemKind, isDiscrepancy } from '../../domain/reconciliation.ts';
import { fit } from './column-text.ts';
import { auditRow } from './knex-admin-audit.ts';
import { ITEM_COLUMNS, type ItemRow, toStoredItem } from './reconciliation-item-row.ts';
import { guarded } from './store-errors.ts';

const RESOLUTIONS = 'tb_reconciliation_resolution';
// Literals, as migration 015's partial index states them: only then does the planner use that index.
const IS_DISCREPANCY = (alias: string) => `${alias}.kind IN (${DISCREPANCY_KINDS.map((kind) => `'${kind}'`).join(', ')})`;
// The resolution `r` of item `i`, or the item of resolution `r`: the same four columns.
const SAME_DISCREPANCY = 'i.bill_date = r.bill_date AND i.trade_no = r.trade_no AND i.kind = r.kind AND i.order_id = r.order_id';

interface ResolutionRow {
  date: string;
  kind: ItemKind;
  order_id: string;
  trade_no: string;
  resolved_at: Date;
  resolved_by: string;
  note: string;
}

const RESOLUTION_COLUMNS = `to_char(r.bill_date, 'YYYY-MM-DD') AS date, r.kind, r.order_id, r.trade_no, r.resolved_at, r.resolved_by, r.note`;

/** A key as the tables hold it: ids cut to their columns, NUL replaced. */
const stored = (key: DiscrepancyKey) => ({ ...key, orderId: fit(key.orderId, 64), tradeNo: fit(key.tradeNo, 64) });
const keyText = (date: string, kind: string, orderId: string, tradeNo: string) => JSON.stringify([date, kind, orderId, tradeNo]);
const resolutionOf = (row: ResolutionRow): DiscrepancyResolution => ({ by: row.resolved_by, at: row.resolved_at, note: row.note });

/** The follow-up of reconciliation discrepancies in tb_reconciliation_resolution, beside the items in tb_reconciliation_item. */
export class KnexDiscrepancies {
  constructor(private readonly knex: Knex) {}

  /** The rows as items, each discrepancy with its resolution, if any: one query for all of them. */
  async withResolutions(rows: ReadonlyArray<ItemRow & { date: string }>): Promise<StoredItem[]> {
    const keys = rows.filter((row) => isDiscrepancy(row.kind)).map((row) => [row.date, row.kind, row.order_id, row.trade_no]);
    const resolutions = new Map<string, DiscrepancyResolution>();
    if (keys.length > 0) {
      const found: ResolutionRow[] = await this.knex(`${RESOLUTIONS} as r`)
        .select(this.knex.raw(RESOLUTION_COLUMNS))
        .whereIn(['r.bill_date', 'r.kind', 'r.order_id', 'r.trade_no'], keys);
      for (const row of found) resolutions.set(keyText(row.date, row.kind, row.order_id, row.trade_no), resolutionOf(row));
    }
    return rows.map((row) => toStoredItem(row, resolutions.get(keyText(row.date, row.kind, row.order_id, row.trade_no)) ?? null));
  }

  state(key: DiscrepancyKey): Promise<DiscrepancyState> {
    return guarded(async () => {
      if (!isCalendarDay(key.date) || !isDiscrepancy(key.kind)) return 'unknown';
      const { date, kind, orderId, tradeNo } = stored(key);
      const { rows } = await this.knex.raw(
        `SELECT EXISTS (SELECT 1 FROM tb_reconciliation_item i WHERE i.bill_date = ?::date AND i.trade_no = ? AND i.kind = ? AND i.order_id = ?) AS found,
                EXISTS (SELECT 1 FROM ${RESOLUTIONS} r WHERE r.bill_date = ?::date AND r.kind = ? AND r.order_id = ? AND r.trade_no = ?) AS resolved`,
        [date, tradeNo, kind, orderId, date, kind, orderId, tradeNo],
      );
      const [row] = rows as Array<{ found: boolean; resolved: boolean }>;
      return !row?.found ? 'unknown' : row.resolved ? 'resolved' : 'pending';
    });
  }

  /** The primary key decides between two operators at once; the audit row commits with the resolution or not at all. */
  resolve(key: DiscrepancyKey, resolution: DiscrepancyResolution, audit: AdminAction): Promise<boolean> {
    return guarded(async () => {
      if (!isCalendarDay(key.date) || !isDiscrepancy(key.kind)) return false;
      const { date, kind, orderId, tradeNo } = stored(key);
      return this.knex.transaction(async (trx) => {
        const { rows } = await trx.raw(
          `INSERT INTO ${RESOLUTIONS} (bill_date, kind, order_id, trade_no, resolved_at, resolved_by, note)
           SELECT ?::date, ?, ?, ?, ?, ?, ?
           WHERE EXISTS (SELECT 1 FROM tb_reconciliation_item i
                         WHERE i.bill_date = ?::date AND i.trade_no = ? AND i.kind = ? AND i.order_id = ?)
           ON CONFLICT DO NOTHING RETURNING kind`,
          // The note was validated by the domain (at most 500 characters, no NUL): cut here, it would differ from the audit row.
          [date, kind, orderId, tradeNo, resolution.at, fit(resolution.by, 64), resolution.note, date, tradeNo, kind, orderId],
        );
        if ((rows as unknown[]).length === 0) return false;
        await trx('tb_admin_audit').insert(auditRow(audit));
        return true;
      });
    });
  }

  unfound(date: string, limit: number): Promise<UnfoundResolution[]> {
    return guarded(async () => {
      if (!isCalendarDay(date)) return [];
      return this.unfoundWhere('r.bill_date = ?::date', date, 'r.resolved_at, r.order_id, r.trade_no', limit);
    });
  }

  forOrder(orderId: string, limit: number): Promise<OrderDiscrepancies> {
    return guarded(async () => {
      const id = fit(orderId, 64);
      const { rows } = await this.knex.raw(
        `SELECT ${ITEM_COLUMNS.map((column) => `i.${column}`).join(', ')}, to_char(i.bill_date, 'YYYY-MM-DD') AS date, run.finished_at
         FROM tb_reconciliation_item i JOIN tb_reconciliation_run run ON run.bill_date = i.bill_date
         WHERE i.order_id = ? AND ${IS_DISCREPANCY('i')}
         ORDER BY i.bill_date DESC, i.id LIMIT ?`,
        [id, limit],
      );
      const found = rows as Array<ItemRow & { date: string; finished_at: Date }>;
      const items = await this.withResolutions(found);
      return {
        found: items.map((item, i) => ({ date: found[i]!.date, runAt: found[i]!.finished_at, item })),
        unfound: await this.unfoundWhere('r.order_id = ?', id, 'r.bill_date DESC, r.resolved_at', limit),
      };
    });
  }

  /** Counted from the partial index of discrepancies: the matched millions are never read. */
  waiting(): Promise<WaitingDiscrepancies> {
    return guarded(async () => {
      const { rows } = await this.knex.raw(
        `SELECT to_char(w.bill_date, 'YYYY-MM-DD') AS date, count(*) AS n
         FROM (SELECT i.bill_date FROM tb_reconciliation_item i
               WHERE ${IS_DISCREPANCY('i')} AND NOT EXISTS (SELECT 1 FROM ${RESOLUTIONS} r WHERE ${SAME_DISCREPANCY})
               LIMIT ?) w
         GROUP BY w.bill_date ORDER BY w.bill_date DESC`,
        [COUNT_CAP + 1],
      );
      const days = (rows as Array<{ date: string; n: string | number }>).map((row) => ({ date: row.date, count: Number(row.n) }));
      const found = days.reduce((sum, day) => sum + day.count, 0);
      return { count: Math.min(found, COUNT_CAP), atLeast: found > COUNT_CAP, days };
    });
  }

  private async unfoundWhere(where: string, value: string, order: string, limit: number): Promise<UnfoundResolution[]> {
    const { rows } = await this.knex.raw(
      `SELECT ${RESOLUTION_COLUMNS} FROM ${RESOLUTIONS} r
       WHERE ${where} AND NOT EXISTS (SELECT 1 FROM tb_reconciliation_item i WHERE ${SAME_DISCREPANCY})
       ORDER BY ${order} LIMIT ?`,
      [value, limit],
    );
    return (rows as ResolutionRow[]).map((row) => ({
      key: { date: row.date, kind: row.kind, orderId: row.order_id, tradeNo: row.trade_no },
      resolution: resolutionOf(row),
    }));
  }

  /** The row of one item of the day; null for an id that is none. */
  async itemRow(date: string, id: string): Promise<(ItemRow & { date: string }) | undefined> {
    const row: ItemRow | undefined = await this.knex('tb_reconciliation_item').select(ITEM_COLUMNS).where({ bill_date: date, id }).first();
    return row && { ...row, date };
  }
}
