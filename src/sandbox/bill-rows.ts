import type { Knex } from 'knex';
import { beijingMidnight } from '../domain/beijing-time.ts';
import { refundEntry, tradeEntry } from './bill-entries.ts';
import type { SandboxTrade } from './sandbox-trades.ts';
import type { BillEntry } from './trade-bill-lines.ts';

/**
 * A timestamptz as JavaScript's milliseconds (float8, read as a number): a Date as node-postgres would
 * make it (truncated to the millisecond), without parsing a text timestamp per column and row.
 */
const MS = (column: string) => `floor(extract(epoch from ${column}) * 1000)::float8`;

/** Rows read per query: a few MB of JavaScript objects at a time, whatever the size of the day. */
export const BILL_BATCH_ROWS = 10_000;

/**
 * Where a keyset read stands: the last row's time as PostgreSQL wrote it (to the microsecond), its
 * trade_no and, for a refund (a trade may have several), its out_request_no.
 */
interface Cursor {
  readonly at: string;
  readonly tradeNo: string;
  readonly requestNo?: string;
}

interface TradeRow {
  trade_no: string;
  out_trade_no: string;
  subject: string;
  total_amount: string;
  created_ms: number;
  paid_ms: number;
  cursor_at: string;
  omitted: boolean | null;
  bill_amount: string | null;
}

interface RefundRow {
  trade_no: string;
  out_trade_no: string;
  subject: string;
  total_amount: string;
  created_ms: number;
  paid_ms: number | null;
  refund_amount: string;
  refunded_ms: number;
  out_request_no: string;
  cursor_at: string;
}

/**
 * A day's bill rows, read from the sandbox's trades, bill changes and refunds in keyset batches (joined in SQL),
 * and merged in the bill's order: by 完成时间, a trade before a refund of the same millisecond, each
 * kind in (time, trade_no[, out_request_no]) order. The same rows, in the same order, as the bills page lists.
 */
export class SandboxBillRows {
  constructor(
    private readonly knex: Knex,
    /** Creates the sandbox's tables where they do not exist yet. */
    private readonly ready: () => Promise<void>,
    private readonly batchRows = BILL_BATCH_ROWS,
  ) {}

  /** The rows of the bill of `day` for `appId`, in batches of about batchRows. */
  async *entriesOf(day: string, appId: string): AsyncGenerator<BillEntry[]> {
    await this.ready();
    const from = beijingMidnight(day);
    const to = beijingMidnight(day, 1);
    const trades = new Reader((cursor) => this.trades(from, to, appId, cursor));
    const refunds = new Reader((cursor) => this.refunds(from, to, appId, cursor));
    let out: BillEntry[] = [];
    for (;;) {
      if (trades.empty) await trades.fill();
      if (refunds.empty) await refunds.fill();
      const trade = trades.head;
      const refund = refunds.head;
      if (!trade && !refund) break;
      if (trade && (!refund || trade.finishedAt.getTime() <= refund.finishedAt.getTime())) {
        out.push(trade);
        trades.advance();
      } else {
        out.push(refund!);
        refunds.advance();
      }
      if (out.length >= this.batchRows) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  }

  /** Trades paid that day (of this app), with what the bill says of them; those left out of the bill skipped. */
  private async trades(from: Date, to: Date, appId: string, after: Cursor | null): Promise<{ entries: BillEntry[]; last: Cursor | null }> {
    const rows: TradeRow[] = (
      await this.knex.raw(
        `SELECT t.trade_no, t.out_trade_no, t.subject, t.total_amount::text AS total_amount, ${MS('t.gmt_create')} AS created_ms,
                ${MS('t.gmt_payment')} AS paid_ms, t.gmt_payment::text AS cursor_at, c.omitted, c.bill_amount::text AS bill_amount
         FROM sandbox_alipay_trade t LEFT JOIN sandbox_alipay_bill_change c ON c.trade_no = t.trade_no
         WHERE t.gmt_payment >= ? AND t.gmt_payment < ? AND t.app_id = ?
           ${after ? 'AND t.gmt_payment >= ?::timestamptz AND (t.gmt_payment, t.trade_no) > (?::timestamptz, ?)' : ''}
         ORDER BY t.gmt_payment, t.trade_no
         LIMIT ?`,
        [from, to, appId, ...(after ? [after.at, after.at, after.tradeNo] : []), this.batchRows],
      )
    ).rows;
    const entries: BillEntry[] = [];
    for (const row of rows) {
      if (row.omitted) continue;
      entries.push(tradeEntry(tradeOf(row), row.bill_amount ?? row.total_amount));
    }
    const last = rows.at(-1);
    return { entries, last: rows.length < this.batchRows || !last ? null : { at: last.cursor_at, tradeNo: last.trade_no } };
  }

  /** Refunds made that day of trades of this app, whenever those were paid. */
  private async refunds(from: Date, to: Date, appId: string, after: Cursor | null): Promise<{ entries: BillEntry[]; last: Cursor | null }> {
    const rows: RefundRow[] = (
      await this.knex.raw(
        `SELECT r.trade_no, t.out_trade_no, t.subject, t.total_amount::text AS total_amount, ${MS('t.gmt_create')} AS created_ms,
                ${MS('t.gmt_payment')} AS paid_ms, r.refund_amount::text AS refund_amount, ${MS('r.refunded_at')} AS refunded_ms,
                r.out_request_no, r.refunded_at::text AS cursor_at
         FROM sandbox_alipay_refund r JOIN sandbox_alipay_trade t ON t.trade_no = r.trade_no
         WHERE r.refunded_at >= ? AND r.refunded_at < ? AND t.app_id = ?
           ${after ? 'AND r.refunded_at >= ?::timestamptz AND (r.refunded_at, r.trade_no, r.out_request_no) > (?::timestamptz, ?, ?)' : ''}
         ORDER BY r.refunded_at, r.trade_no, r.out_request_no
         LIMIT ?`,
        [from, to, appId, ...(after ? [after.at, after.at, after.tradeNo, after.requestNo ?? ''] : []), this.batchRows],
      )
    ).rows;
    const entries = rows.map((row) =>
      refundEntry(tradeOf(row), { amount: row.refund_amount, at: new Date(row.refunded_ms), outRequestNo: row.out_request_no }),
    );
    const last = rows.at(-1);
    return {
      entries,
      last: rows.length < this.batchRows || !last ? null : { at: last.cursor_at, tradeNo: last.trade_no, requestNo: last.out_request_no },
    };
  }
}

/** What a bill row takes of a trade: the rest of SandboxTrade does not show on the bill. */
function tradeOf(row: TradeRow | RefundRow): SandboxTrade {
  return {
    tradeNo: row.trade_no,
    outTradeNo: row.out_trade_no,
    appId: '',
    sellerId: '',
    subject: row.subject,
    totalAmount: row.total_amount,
    tradeStatus: 'TRADE_SUCCESS',
    gmtCreate: new Date(row.created_ms),
    gmtPayment: row.paid_ms === null ? null : new Date(row.paid_ms),
    gmtClose: null,
  };
}

/** One kind of row, read a batch ahead: the next batch is asked for as soon as the one before arrives. */
class Reader {
  private entries: BillEntry[] = [];
  private index = 0;
  private next: Promise<{ entries: BillEntry[]; last: Cursor | null }> | null;

  constructor(private readonly read: (after: Cursor | null) => Promise<{ entries: BillEntry[]; last: Cursor | null }>) {
    this.next = read(null);
    this.next.catch(() => {});
  }

  /** Nothing left in hand, but more may come. */
  get empty(): boolean {
    return this.index >= this.entries.length && this.next !== null;
  }

  get head(): BillEntry | undefined {
    return this.entries[this.index];
  }

  advance(): void {
    this.index += 1;
  }

  /** Takes the batch read ahead (a batch may be empty when all its trades are left out) and asks for the one after it. */
  async fill(): Promise<void> {
    while (this.empty) {
      const { entries, last } = await this.next!;
      this.entries = entries;
      this.index = 0;
      this.next = last ? this.read(last) : null;
      // Read ahead, but a failure surfaces where it is awaited, not as an unhandled rejection now.
      this.next?.catch(() => {});
    }
  }
}
