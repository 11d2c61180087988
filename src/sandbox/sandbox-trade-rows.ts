import type { SandboxTrade, SandboxTradeStatus } from './sandbox-trades.ts';

/** sandbox_alipay_trade: its statements of creation, its row, and the mapping both ways. */
export const TABLE = 'sandbox_alipay_trade';
// Not a migration: the table exists only where the sandbox has been used, never in production.
export const CREATE = [
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
  // Refund notifies go where the payment's did; tables made before the sandbox refunded lack it.
  `ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS notify_url text`,
];

/** Every column but total_amount, which is read as text to stay exact. */
export const COLUMNS = [
  'trade_no',
  'out_trade_no',
  'app_id',
  'seller_id',
  'subject',
  'trade_status',
  'gmt_create',
  'gmt_payment',
  'gmt_close',
  'notify_url',
];

export interface TradeRow {
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
  notify_url: string | null;
}

export function rowOf(trade: SandboxTrade) {
  return {
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
    notify_url: trade.notifyUrl ?? null,
  };
}

export function toTrade(row: TradeRow): SandboxTrade {
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
    notifyUrl: row.notify_url,
  };
}
