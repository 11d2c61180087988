import type { Knex } from 'knex';
import { beijingMidnight } from '../domain/beijing-time.ts';
import { SandboxTables } from './sandbox-tables.ts';

/** The one buyer of the sandbox, masked as Alipay shows a buyer to the merchant. */
export const SANDBOX_BUYER = { userId: '2088102000000000', logonId: 'san***@sandbox.example' } as const;

export type SandboxTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';

export interface SandboxTrade {
  readonly tradeNo: string;
  readonly outTradeNo: string;
  readonly appId: string;
  readonly sellerId: string;
  readonly subject: string;
  /** Yuan with two decimals, as Alipay writes amounts. */
  readonly totalAmount: string;
  readonly tradeStatus: SandboxTradeStatus;
  readonly gmtCreate: Date;
  readonly gmtPayment: Date | null;
  readonly gmtClose: Date | null;
}

const TABLE = 'sandbox_alipay_trade';
// Not a migration: the table exists only where the sandbox has been used, never in production.
const CREATE = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    trade_no varchar(64) PRIMARY KEY,
    out_trade_no varchar(64) NOT NULL,
    app_id varchar(32) NOT NULL,
    seller_id varchar(32) NOT NULL,
    subject text NOT NULL,
    total_amount numeric(10,2) NOT NULL,
    trade_status varchar(16) NOT NULL,
    gmt_create timestamptz NOT NULL,
    gmt_payment timestamptz,
    gmt_close timestamptz
  )`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_out_trade_no ON ${TABLE} (out_trade_no, app_id)`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_gmt_payment ON ${TABLE} (gmt_payment)`,
];

interface TradeRow {
  trade_no: string;
  out_trade_no: string;
  app_id: string;
  seller_id: string;
  subject: string;
  total_amount: string;
  trade_status: string;
  gmt_create: Date | string;
  gmt_payment: Date | string | null;
  gmt_close: Date | string | null;
}

/** The sandbox's own trades, kept in the service's database so that other processes see them too. */
export class SandboxTrades {
  private readonly tables: SandboxTables;

  constructor(private readonly knex: Knex) {
    this.tables = new SandboxTables(knex, CREATE);
  }

  async record(trade: SandboxTrade): Promise<void> {
    await this.table();
    await this.knex(TABLE).insert({
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      app_id: trade.appId,
      seller_id: trade.sellerId,
      subject: trade.subject,
      total_amount: trade.totalAmount,
      trade_status: trade.tradeStatus,
      gmt_create: trade.gmtCreate,
      gmt_payment: trade.gmtPayment,
      gmt_close: trade.gmtClose,
    });
  }

  /** The newest trade of a merchant order, as alipay.trade.query finds it. */
  async findByOutTradeNo(appId: string, outTradeNo: string): Promise<SandboxTrade | undefined> {
    await this.table();
    const row: TradeRow | undefined = await this.select()
      .where({ app_id: appId, out_trade_no: outTradeNo })
      .orderBy([
        { column: 'gmt_create', order: 'desc' },
        { column: 'trade_no', order: 'desc' },
      ])
      .first();
    return row ? toTrade(row) : undefined;
  }

  /** Trades paid on a Beijing day (`yyyy-MM-dd`), oldest first: what that day's bill lists. */
  async paidOn(beijingDay: string): Promise<SandboxTrade[]> {
    const from = beijingMidnight(beijingDay);
    if (Number.isNaN(from.getTime())) throw new RangeError(`not a yyyy-MM-dd day: ${beijingDay}`);
    await this.table();
    const rows: TradeRow[] = await this.select()
      .where('gmt_payment', '>=', from)
      .andWhere('gmt_payment', '<', beijingMidnight(beijingDay, 1))
      .orderBy([{ column: 'gmt_payment' }, { column: 'trade_no' }]);
    return rows.map(toTrade);
  }

  /** The trades of these trade numbers, in no particular order. */
  async byTradeNos(tradeNos: readonly string[]): Promise<SandboxTrade[]> {
    if (tradeNos.length === 0) return [];
    await this.table();
    const rows: TradeRow[] = await this.select().whereRaw('trade_no = ANY(?::text[])', [[...tradeNos]]);
    return rows.map(toTrade);
  }

  private select(): Knex.QueryBuilder {
    return this.knex(TABLE).select(
      'trade_no',
      'out_trade_no',
      'app_id',
      'seller_id',
      'subject',
      this.knex.raw('total_amount::text as total_amount'),
      'trade_status',
      'gmt_create',
      'gmt_payment',
      'gmt_close',
    );
  }

  private table(): Promise<void> {
    return this.tables.ensure();
  }
}

function toTrade(row: TradeRow): SandboxTrade {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    tradeNo: row.trade_no,
    outTradeNo: row.out_trade_no,
    appId: row.app_id,
    sellerId: row.seller_id,
    subject: row.subject,
    totalAmount: row.total_amount,
    tradeStatus: row.trade_status as SandboxTradeStatus,
    gmtCreate: new Date(row.gmt_create),
    gmtPayment: date(row.gmt_payment),
    gmtClose: date(row.gmt_close),
  };
}
