import type { Knex } from 'knex';
import { beijingMidnight } from '../domain/beijing-time.ts';
import { SandboxTables } from './sandbox-tables.ts';

/** What the sandbox's bill says differently from its trades, to show the shop's reconciliation a discrepancy. */
export interface BillChange {
  readonly tradeNo: string;
  /** Left out of the bill: the shop holds a payment that Alipay's bill does not list. */
  readonly omitted: boolean;
  /** The amount the bill states instead of the trade's (yuan, two decimals); null: the trade's own. */
  readonly billAmount: string | null;
  /** A refund of the trade, listed on the bill of the day it was made. */
  readonly refund: { readonly amount: string; readonly at: Date; readonly refundNo: string } | null;
}

const TABLE = 'sandbox_alipay_bill_change';
const CREATE = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    trade_no varchar(64) PRIMARY KEY,
    omitted boolean NOT NULL DEFAULT false,
    bill_amount numeric(10,2),
    refund_amount numeric(10,2),
    refunded_at timestamptz,
    refund_no varchar(64)
  )`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_refunded_at ON ${TABLE} (refunded_at)`,
];

interface ChangeRow {
  trade_no: string;
  omitted: boolean;
  bill_amount: string | null;
  refund_amount: string | null;
  refunded_at: Date | string | null;
  refund_no: string | null;
}

/** The sandbox's bill changes, in a table of their own beside its trades (created on first use). */
export class SandboxBillChanges {
  private readonly tables: SandboxTables;

  constructor(private readonly knex: Knex) {
    this.tables = new SandboxTables(knex, CREATE);
  }

  /** Creates the table where it does not exist yet (once per instance). */
  ready(): Promise<void> {
    return this.tables.ensure();
  }

  async forTrades(tradeNos: readonly string[]): Promise<Map<string, BillChange>> {
    if (tradeNos.length === 0) return new Map();
    await this.tables.ensure();
    const rows: ChangeRow[] = await this.select().whereRaw('trade_no = ANY(?::text[])', [[...tradeNos]]);
    return new Map(rows.map((row) => [row.trade_no, toChange(row)]));
  }

  /** Changes holding a refund made on a Beijing day (`yyyy-MM-dd`), oldest first. */
  async refundedOn(beijingDay: string): Promise<BillChange[]> {
    await this.tables.ensure();
    const rows: ChangeRow[] = await this.select()
      .where('refunded_at', '>=', beijingMidnight(beijingDay))
      .andWhere('refunded_at', '<', beijingMidnight(beijingDay, 1))
      .orderBy([{ column: 'refunded_at' }, { column: 'trade_no' }]);
    return rows.map(toChange);
  }

  setOmitted(tradeNo: string, omitted: boolean): Promise<void> {
    return this.upsert(tradeNo, { omitted });
  }

  /** null: the bill states the trade's own amount again. */
  setBillAmount(tradeNo: string, amount: string | null): Promise<void> {
    return this.upsert(tradeNo, { bill_amount: amount });
  }

  refund(tradeNo: string, refund: { amount: string; at: Date; refundNo: string }): Promise<void> {
    return this.upsert(tradeNo, { refund_amount: refund.amount, refunded_at: refund.at, refund_no: refund.refundNo });
  }

  private async upsert(tradeNo: string, values: Partial<Omit<ChangeRow, 'trade_no'>>): Promise<void> {
    await this.tables.ensure();
    await this.knex(TABLE)
      .insert({ trade_no: tradeNo, ...values })
      .onConflict('trade_no')
      .merge(Object.keys(values));
  }

  private select(): Knex.QueryBuilder {
    return this.knex(TABLE).select(
      'trade_no',
      'omitted',
      this.knex.raw('bill_amount::text as bill_amount'),
      this.knex.raw('refund_amount::text as refund_amount'),
      'refunded_at',
      'refund_no',
    );
  }
}

function toChange(row: ChangeRow): BillChange {
  return {
    tradeNo: row.trade_no,
    omitted: row.omitted,
    billAmount: row.bill_amount,
    refund:
      row.refund_amount !== null && row.refunded_at !== null
        ? { amount: row.refund_amount, at: new Date(row.refunded_at), refundNo: row.refund_no ?? '' }
        : null,
  };
}
