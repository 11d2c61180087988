import type { Knex } from 'knex';
import { beijingMidnight } from '../domain/beijing-time.ts';
import { decideRefund, type RefundAsk, type RefundRefusal, refundedFen, type SandboxRefund } from './refund-rules.ts';
import { SandboxTables } from './sandbox-tables.ts';
import type { SandboxTrade, SandboxTrades, TradeNumbers } from './sandbox-trades.ts';
import { yuan } from './trade-bill-lines.ts';

/** A refund request carried out (or repeated), with the trade as it stands after it and its cumulative refund. */
export interface RefundMade {
  readonly trade: SandboxTrade;
  readonly refund: SandboxRefund;
  /** Yuan: every refund of the trade so far, this one included (Alipay's refund_fee). */
  readonly refundFee: string;
  /** Whether this request moved the money (fund_change Y), or repeated a refund made before (N). */
  readonly fundChange: boolean;
}

export type RefundOutcome = { readonly made: RefundMade } | { readonly refused: RefundRefusal; readonly trade?: SandboxTrade };

const TABLE = 'sandbox_alipay_refund';
const CREATE = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    trade_no varchar(64) NOT NULL,
    out_request_no varchar(64) NOT NULL,
    refund_amount numeric(10,2) NOT NULL,
    refunded_at timestamptz NOT NULL,
    bill_only boolean NOT NULL DEFAULT false,
    PRIMARY KEY (trade_no, out_request_no)
  )`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_refunded_at ON ${TABLE} (refunded_at)`,
  // The bill's refunds were kept one per trade in sandbox_alipay_bill_change before: moved here, once.
  `DO $$ BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('sandbox_alipay_refund: moved'));
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'sandbox_alipay_bill_change' AND column_name = 'refund_amount') THEN
      INSERT INTO ${TABLE} (trade_no, out_request_no, refund_amount, refunded_at, bill_only)
        SELECT trade_no, coalesce(refund_no, 'RF' || trade_no), refund_amount, refunded_at, true FROM sandbox_alipay_bill_change
        WHERE refund_amount IS NOT NULL AND refunded_at IS NOT NULL
        ON CONFLICT DO NOTHING;
      ALTER TABLE sandbox_alipay_bill_change DROP COLUMN refund_amount, DROP COLUMN refunded_at, DROP COLUMN refund_no;
    END IF;
  END $$`,
];

interface RefundRow {
  trade_no: string;
  out_request_no: string;
  refund_amount: string;
  refunded_at: Date | string;
  bill_only: boolean;
}

/**
 * The sandbox's refunds, in a table of their own beside its trades (created on first use): those made
 * through alipay.trade.refund, several per trade, and those only its bill lists.
 */
export class SandboxRefunds {
  private readonly tables: SandboxTables;

  constructor(
    private readonly knex: Knex,
    private readonly trades: SandboxTrades,
  ) {
    this.tables = new SandboxTables(knex, CREATE);
  }

  /** Creates the table where it does not exist yet (once per instance). */
  ready(): Promise<void> {
    return this.tables.ensure();
  }

  /**
   * alipay.trade.refund at `at`, weighed under the order's lock: a first request refunds (and closes a
   * trade refunded in full), a repeat moves nothing, the rest is refused as Alipay refuses it.
   */
  async refund(appId: string, which: TradeNumbers, ask: RefundAsk, at: Date): Promise<RefundOutcome> {
    await this.ready();
    return this.trades.underTradeLock(appId, which, async (trx, trade) => {
      const refunds = trade ? await this.ofTrade(trade.tradeNo, trx) : [];
      const decision = decideRefund(trade, refunds, ask);
      if (decision.kind === 'refused') return { refused: decision, ...(trade ? { trade } : {}) };
      if (decision.kind === 'repeat') {
        const made = { trade: trade!, refund: decision.refund, refundFee: yuan(refundedFen(refunds)), fundChange: false };
        return { made };
      }
      const refund = {
        tradeNo: trade!.tradeNo,
        outRequestNo: decision.outRequestNo,
        amount: yuan(decision.amountFen),
        at,
        billOnly: false,
      };
      await trx(TABLE).insert(rowOf(refund));
      if (decision.closes) await this.trades.close(trx, trade!.tradeNo, at);
      const after = decision.closes ? { ...trade!, tradeStatus: 'TRADE_CLOSED' as const, gmtClose: at } : trade!;
      return { made: { trade: after, refund, refundFee: yuan(refundedFen([...refunds, refund])), fundChange: true } };
    });
  }

  /** A refund only the bill lists (the bills page's button); a second one of the same number is ignored. */
  async recordBillOnly(refund: Omit<SandboxRefund, 'billOnly'>): Promise<void> {
    await this.ready();
    await this.knex(TABLE)
      .insert(rowOf({ ...refund, billOnly: true }))
      .onConflict(['trade_no', 'out_request_no'])
      .ignore();
  }

  /** The refund of a trade under a request number that alipay.trade.fastpay.refund.query finds (never a bill-only one). */
  async find(tradeNo: string, outRequestNo: string): Promise<SandboxRefund | undefined> {
    await this.ready();
    const [row]: RefundRow[] = await this.select().where({ trade_no: tradeNo, out_request_no: outRequestNo, bill_only: false });
    return row && toRefund(row);
  }

  /** Trades that have a refund of any kind, of these. */
  async refundedOf(tradeNos: readonly string[]): Promise<Set<string>> {
    if (tradeNos.length === 0) return new Set();
    await this.ready();
    const rows: Array<{ trade_no: string }> = await this.knex(TABLE)
      .distinct('trade_no')
      .whereRaw('trade_no = ANY(?::text[])', [[...tradeNos]]);
    return new Set(rows.map((row) => row.trade_no));
  }

  /** Refunds of every kind made on a Beijing day (`yyyy-MM-dd`), oldest first: what that day's bill lists. */
  async refundedOn(beijingDay: string): Promise<SandboxRefund[]> {
    await this.ready();
    const rows: RefundRow[] = await this.select()
      .where('refunded_at', '>=', beijingMidnight(beijingDay))
      .andWhere('refunded_at', '<', beijingMidnight(beijingDay, 1))
      .orderBy(['refunded_at', 'trade_no', 'out_request_no']);
    return rows.map(toRefund);
  }

  /** The newest refunds of every kind, newest first. */
  async recent(limit: number): Promise<SandboxRefund[]> {
    await this.ready();
    const rows: RefundRow[] = await this.select()
      .orderBy([
        { column: 'refunded_at', order: 'desc' },
        { column: 'out_request_no', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toRefund);
  }

  /** The trade's refunds that Alipay itself knows of (bill-only ones left out), oldest first. */
  private async ofTrade(tradeNo: string, knex: Knex = this.knex): Promise<SandboxRefund[]> {
    const rows: RefundRow[] = await this.select(knex).where({ trade_no: tradeNo, bill_only: false }).orderBy('refunded_at');
    return rows.map(toRefund);
  }

  private select(knex: Knex = this.knex): Knex.QueryBuilder {
    return knex(TABLE).select(
      'trade_no',
      'out_request_no',
      this.knex.raw('refund_amount::text as refund_amount'),
      'refunded_at',
      'bill_only',
    );
  }
}

function rowOf(refund: SandboxRefund) {
  return {
    trade_no: refund.tradeNo,
    out_request_no: refund.outRequestNo,
    refund_amount: refund.amount,
    refunded_at: refund.at,
    bill_only: refund.billOnly,
  };
}

function toRefund(row: RefundRow): SandboxRefund {
  return {
    tradeNo: row.trade_no,
    outRequestNo: row.out_request_no,
    amount: row.refund_amount,
    at: new Date(row.refunded_at),
    billOnly: row.bill_only,
  };
}
