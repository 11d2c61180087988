import type { Knex } from 'knex';
import type { ReconciliationRun } from '../../application/ports/reconciliation-store.ts';
import type { DayFacts, RepairKind, StagedBill, UnrecordedTrade } from '../../application/ports/staged-bill.ts';
import type { BillRow } from '../../application/ports/trade-bill.ts';
import { beijingMidnight } from '../../domain/beijing-time.ts';
import { fit } from './column-text.ts';
import { countItems, localTotals, runProblems, saveRunRow, zeroCounts } from './reconciliation-run-row.ts';
import { lateRefundBindings, missingRefundItems, REFUND_KIND, REFUND_STATUS_NOTE, UNBILLED_REFUNDS } from './staged-bill-refunds.ts';
import { BEIJING_TEXT, COMPARISON_TIMEOUT_MS, FEN, LONG, ROWS } from './staged-bill-sql.ts';
import { guarded } from './store-errors.ts';

// Longer than any id we keep (trade_id is varchar(100), order_id varchar(64)), so that a cut id still
// matches nothing; short enough for a btree, which a hostile 4,000-byte id would overflow.
export const STAGED_ID_WIDTH = 128;
// A stage left by a process that died mid-way is swept by the next one opened after this long.
const ABANDONED_AFTER = "interval '1 day'";

/** Opens a stage for `date`'s bill, sweeping stages abandoned long ago. */
export async function openStage(knex: Knex, date: string): Promise<StagedBill> {
  return guarded(async () => {
    const abandoned = knex('tb_reconciliation_stage').select('id').whereRaw(`opened_at < now() - ${ABANDONED_AFTER}`);
    await knex(ROWS).whereIn('stage_id', abandoned).delete();
    await knex('tb_reconciliation_stage').whereRaw(`opened_at < now() - ${ABANDONED_AFTER}`).delete();
    const [row] = await knex('tb_reconciliation_stage').insert({ bill_date: date }).returning('id');
    return new KnexStagedBill(knex, String((row as { id: string | number }).id), date);
  });
}

/**
 * A day's bill in tb_reconciliation_bill_row, compared with tb_payment and tb_order_info in SQL. The
 * comparison is domain/reconciliation.ts's, as statements: a row is matched when the payment of its
 * trade_no has its amount (or none: Meiduo's own rows), and so on.
 */
class KnexStagedBill implements StagedBill {
  private analyzed = false;

  constructor(
    private readonly knex: Knex,
    private readonly stageId: string,
    readonly date: string,
  ) {}

  add(rows: readonly BillRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    this.analyzed = false;
    return guarded(async () => {
      // One array a column (unnest): 7 parameters a statement however many rows.
      await this.knex.raw(
        `INSERT INTO ${ROWS} (stage_id, line, kind, trade_no, out_trade_no, amount, refund_batch_no)
         SELECT ?::bigint, * FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])`,
        [
          this.stageId,
          rows.map((row) => row.line),
          rows.map((row) => row.kind),
          rows.map((row) => fit(row.tradeNo, STAGED_ID_WIDTH)),
          rows.map((row) => fit(row.outTradeNo, STAGED_ID_WIDTH)),
          rows.map((row) => row.amountFen),
          rows.map((row) => (row.refundBatchNo === null ? null : fit(row.refundBatchNo, STAGED_ID_WIDTH))),
        ] as Knex.RawBinding[],
      );
    });
  }

  async unrecorded(afterLine: number, limit: number): Promise<UnrecordedTrade[]> {
    await this.analyze();
    return this.comparing(async (trx) => {
      const { rows } = await trx
        .raw(
          `SELECT s.line, s.trade_no, s.out_trade_no, s.amount FROM ${ROWS} s
         WHERE s.stage_id = ? AND s.line > ? AND s.kind = 'trade' AND s.outcome IS NULL
           AND NOT EXISTS (SELECT 1 FROM tb_payment p WHERE p.trade_id = s.trade_no)
           AND EXISTS (SELECT 1 FROM tb_order_info o WHERE o.order_id = s.out_trade_no)
         ORDER BY s.line LIMIT ?`,
          [this.stageId, afterLine, limit],
        )
        .options(LONG);
      return (rows as Array<{ line: number; trade_no: string; out_trade_no: string; amount: string | number }>).map((row) => ({
        line: Number(row.line),
        tradeNo: row.trade_no,
        outTradeNo: row.out_trade_no,
        amountFen: Number(row.amount),
      }));
    });
  }

  settle(line: number, kind: RepairKind, detail: string): Promise<void> {
    return guarded(async () => {
      await this.knex(ROWS)
        .where({ stage_id: this.stageId, line })
        .update({ outcome: kind, detail: fit(detail, 300) });
    });
  }

  lateUnbilled(from: Date): Promise<string[]> {
    return guarded(async () => {
      const { rows } = await this.knex.raw(`SELECT p.trade_id FROM tb_payment p WHERE ${this.unbilled()} ORDER BY p.create_time, p.id`, [
        ...this.unbilledBindings(from),
      ]);
      return (rows as Array<{ trade_id: string }>).map((row) => row.trade_id);
    });
  }

  lateUnbilledRefunds(from: Date): Promise<string[]> {
    return guarded(async () => {
      const { rows } = await this.knex.raw(
        `SELECT r.out_request_no FROM tb_refund r WHERE ${UNBILLED_REFUNDS} ORDER BY r.refunded_at, r.out_request_no`,
        this.unbilledBindings(from),
      );
      return (rows as Array<{ out_request_no: string }>).map((row) => row.out_request_no);
    });
  }

  async finish(facts: DayFacts): Promise<ReconciliationRun> {
    await this.analyze();
    return this.comparing(async (trx) => {
      // Gone when a sweep took it for abandoned (a run of over a day): comparing it would call every payment missing.
      const [stage] = await trx('tb_reconciliation_stage').where('id', this.stageId).delete().returning('id');
      if (stage === undefined) throw new Error(`the staged bill of ${this.date} was swept before it was compared; run the day again`);
      // The run's row first: a second finish of the same day waits on its lock, then replaces it whole.
      const counted = { counts: zeroCounts(), localTotals: { count: 0, amountFen: 0 } };
      await saveRunRow(trx, { ...counted, date: this.date, finishedAt: facts.finishedAt, billTotals: null, deferred: 0, problems: [] });
      await trx('tb_reconciliation_item').where('bill_date', this.date).delete().options(LONG);
      await trx.raw(this.billedItems(), [this.date, this.stageId]).options(LONG);
      await trx
        .raw(this.missingItems(facts), [this.date, ...this.unbilledBindings(beijingMidnight(this.date)), ...this.lateBindings(facts)])
        .options(LONG);
      await trx
        .raw(missingRefundItems(facts), [this.date, ...this.unbilledBindings(beijingMidnight(this.date)), ...lateRefundBindings(facts)])
        .options(LONG);
      const counts = await countItems(trx, this.date);
      const local = await localTotals(trx, this.date);
      const run: ReconciliationRun = {
        date: this.date,
        finishedAt: facts.finishedAt,
        counts,
        billTotals: facts.bill.totals,
        localTotals: local,
        deferred: facts.deferred,
        problems: runProblems(facts.bill),
      };
      await saveRunRow(trx, run);
      await trx(ROWS).where('stage_id', this.stageId).delete().options(LONG);
      return run;
    });
  }

  /**
   * Fresh statistics once the stage is filled: without them the planner takes it for empty and goes
   * through a day of rows one by one. Its own short transaction, so that its lock is held no longer.
   */
  private async analyze(): Promise<void> {
    if (this.analyzed) return;
    await this.comparing((trx) => trx.raw(`ANALYZE ${ROWS}`).options(LONG));
    this.analyzed = true;
  }

  /** `work` in a transaction whose statements may take as long as a day's comparison does. */
  private comparing<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return guarded(() =>
      this.knex.transaction(async (trx) => {
        await trx.raw(`SET LOCAL statement_timeout = ${COMPARISON_TIMEOUT_MS}`);
        return work(trx);
      }),
    );
  }

  discard(): Promise<void> {
    return guarded(async () => {
      await this.knex(ROWS).where('stage_id', this.stageId).delete();
      await this.knex('tb_reconciliation_stage').where('id', this.stageId).delete();
    });
  }

  /**
   * Every staged row as an item: a 退款 row by how it compares with the refund its 退款批次号 names on its
   * trade; a 交易 row by its repair's outcome, else by how it compares with the payment of its trade_no.
   */
  private billedItems(): string {
    const compared = `CASE WHEN p.amount IS NULL OR ${FEN('p.amount')} = s.amount THEN 'matched' ELSE 'amount_mismatch' END`;
    return `
      INSERT INTO tb_reconciliation_item (bill_date, kind, order_id, trade_no, local_amount, bill_amount, detail, refund_no)
      SELECT ?::date, classified.kind, left(s.out_trade_no, 64), left(s.trade_no, 64),
             CASE WHEN classified.kind IN ('repaired', 'repaired_for_review') THEN s.amount
                  WHEN classified.kind IN ('matched', 'amount_mismatch') THEN ${FEN('p.amount')}
                  WHEN r.out_request_no IS NOT NULL THEN -${FEN('r.amount')} END,
             s.amount,
             CASE WHEN s.kind = 'refund' THEN '退款批次号 ' || left(coalesce(s.refund_batch_no, '-'), 200)
                    || CASE WHEN classified.kind = 'refund_status_mismatch' THEN ${REFUND_STATUS_NOTE} ELSE '' END
                  WHEN classified.kind = 'unknown_order' THEN '商户订单号在本系统中不存在'
                  ELSE coalesce(s.detail, '') END,
             CASE WHEN s.kind = 'refund' THEN left(s.refund_batch_no, 64) END
      FROM ${ROWS} s
      LEFT JOIN tb_payment p ON s.kind = 'trade' AND s.outcome IS NULL AND p.trade_id = s.trade_no
      LEFT JOIN tb_refund r ON s.kind = 'refund' AND r.out_request_no = s.refund_batch_no AND r.trade_no = s.trade_no
      CROSS JOIN LATERAL (SELECT CASE
        WHEN s.kind = 'refund' THEN ${REFUND_KIND}
        WHEN s.outcome IS NOT NULL THEN s.outcome
        WHEN p.id IS NOT NULL THEN ${compared}
        WHEN NOT EXISTS (SELECT 1 FROM tb_order_info o WHERE o.order_id = s.out_trade_no) THEN 'unknown_order'
        ELSE 'missing_locally' END AS kind) classified
      WHERE s.stage_id = ?`;
  }

  /** Payments of the day that no bill names: not this one, not the day before's, and not the next day's for a late one. */
  private missingItems(facts: DayFacts): string {
    return `
      INSERT INTO tb_reconciliation_item (bill_date, kind, order_id, trade_no, local_amount, bill_amount, detail)
      SELECT ?::date, 'missing_in_bill', p.order_id, left(p.trade_id, 64), ${FEN('p.amount')}, NULL,
             '本地于 ' || ${BEIJING_TEXT('p.create_time')} || ' 记录，账单中没有这笔交易'
      FROM tb_payment p
      WHERE ${this.unbilled()}
        AND NOT (p.create_time >= ? AND ${facts.nextDay === 'not_ready' ? 'true' : 'p.trade_id = ANY(?::text[])'})`;
  }

  private lateBindings(facts: DayFacts): Knex.RawBinding[] {
    return facts.nextDay === 'not_ready' ? [facts.lateFrom] : [facts.lateFrom, [...facts.nextDay.billed] as unknown as Knex.RawBinding];
  }

  /** tb_payment p's rows recorded from ? to the day's end that this bill and the day before's stored run do not name. */
  private unbilled(): string {
    return `p.create_time >= ? AND p.create_time < ? AND p.trade_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${ROWS} s WHERE s.stage_id = ? AND s.kind = 'trade' AND s.trade_no = p.trade_id)
      AND NOT EXISTS (SELECT 1 FROM tb_reconciliation_item i
                      WHERE i.bill_date = ?::date - 1 AND i.kind <> 'missing_in_bill' AND i.refund_no IS NULL
                        AND i.trade_no = p.trade_id)`;
  }

  private unbilledBindings(from: Date): Knex.RawBinding[] {
    return [from, beijingMidnight(this.date, 1), this.stageId, this.date];
  }
}
