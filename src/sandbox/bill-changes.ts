import type { Knex } from 'knex';
import { SandboxTables } from './sandbox-tables.ts';

/**
 * What the sandbox's bill says differently from its trades, to show the shop's reconciliation a discrepancy.
 * Refunds, the bill's own among them, are SandboxRefunds'.
 */
export interface BillChange {
  readonly tradeNo: string;
  /** Left out of the bill: the shop holds a payment that Alipay's bill does not list. */
  readonly omitted: boolean;
  /** The amount the bill states instead of the trade's (yuan, two decimals); null: the trade's own. */
  readonly billAmount: string | null;
}

const TABLE = 'sandbox_alipay_bill_change';
const CREATE = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    trade_no varchar(64) PRIMARY KEY,
    omitted boolean NOT NULL DEFAULT false,
    bill_amount numeric(10,2)
  )`,
];

interface ChangeRow {
  trade_no: string;
  omitted: boolean;
  bill_amount: string | null;
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

  setOmitted(tradeNo: string, omitted: boolean): Promise<void> {
    return this.upsert(tradeNo, { omitted });
  }

  /** null: the bill states the trade's own amount again. */
  setBillAmount(tradeNo: string, amount: string | null): Promise<void> {
    return this.upsert(tradeNo, { bill_amount: amount });
  }

  private async upsert(tradeNo: string, values: Partial<Omit<ChangeRow, 'trade_no'>>): Promise<void> {
    await this.tables.ensure();
    await this.knex(TABLE)
      .insert({ trade_no: tradeNo, ...values })
      .onConflict('trade_no')
      .merge(Object.keys(values));
  }

  private select(): Knex.QueryBuilder {
    return this.knex(TABLE).select('trade_no', 'omitted', this.knex.raw('bill_amount::text as bill_amount'));
  }
}

function toChange(row: ChangeRow): BillChange {
  return {
    tradeNo: row.trade_no,
    omitted: row.omitted,
    billAmount: row.bill_amount,
  };
}
