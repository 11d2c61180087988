import type { Knex } from 'knex';
import { beijingMidnight } from '../domain/beijing-time.ts';
import { SandboxTables } from './sandbox-tables.ts';
import { COLUMNS, CREATE, rowOf, TABLE, type TradeRow, toTrade } from './sandbox-trade-rows.ts';

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
  /** Where Alipay sends the trade's notifies: the notify_url of the request that paid it. */
  readonly notifyUrl?: string | null;
}

/**
 * What a trade is at `now`: a trade waiting for its buyer past its close time (the time_expire of the
 * request that opened it) is closed, as Alipay closes it.
 */
export function tradeAt(trade: SandboxTrade, now: Date): SandboxTrade {
  const expired = trade.tradeStatus === 'WAIT_BUYER_PAY' && trade.gmtClose !== null && trade.gmtClose <= now;
  return expired ? { ...trade, tradeStatus: 'TRADE_CLOSED' } : trade;
}

/** Whether the trade has taken the buyer's money. */
export const isPaid = (trade: SandboxTrade): boolean => trade.tradeStatus === 'TRADE_SUCCESS' || trade.tradeStatus === 'TRADE_FINISHED';

/** A payment at the cashier: made, or refused because the order's trade is already paid or closed. */
/** How a merchant names a trade in an OpenAPI call: trade_no, out_trade_no or both. */
export interface TradeNumbers {
  readonly tradeNo?: string;
  readonly outTradeNo?: string;
}

export type PayOutcome = { readonly paid: SandboxTrade } | { readonly refused: SandboxTrade };

/** The sandbox's own trades, kept in the service's database so that other processes see them too. */
export class SandboxTrades {
  private readonly tables: SandboxTables;

  constructor(private readonly knex: Knex) {
    this.tables = new SandboxTables(knex, CREATE);
  }

  /** Records a trade as it is, whatever else the order has: for bills and tests that need exactly it. */
  async record(trade: SandboxTrade): Promise<void> {
    await this.ready();
    await this.knex(TABLE).insert(rowOf(trade));
  }

  /**
   * The cashier opened for an order: like Alipay, one trade per order, created waiting for the buyer and
   * closing at `trade.gmtClose`; an order that has a trade keeps it.
   */
  async open(trade: SandboxTrade): Promise<void> {
    await this.underOrderLock(trade, async (trx, existing) => {
      if (!existing) await trx(TABLE).insert(rowOf(trade));
    });
  }

  /**
   * The buyer pays `trade` (TRADE_SUCCESS) at `now`, once: the order's waiting trade becomes paid, and an
   * order whose trade is paid or closed is refused. Two payments at once are serialised per order.
   */
  async pay(trade: SandboxTrade, now: Date): Promise<PayOutcome> {
    return this.underOrderLock(trade, async (trx, existing) => {
      const current = existing && tradeAt(existing, now);
      if (current && current.tradeStatus !== 'WAIT_BUYER_PAY') return { refused: current };
      if (!current) {
        await trx(TABLE).insert(rowOf(trade));
        return { paid: trade };
      }
      const paid = { ...current, tradeStatus: trade.tradeStatus, gmtPayment: trade.gmtPayment, gmtClose: null, notifyUrl: trade.notifyUrl };
      await trx(TABLE).where({ trade_no: current.tradeNo }).update(rowOf(paid));
      return { paid };
    });
  }

  private async underOrderLock<T>(
    trade: SandboxTrade,
    work: (trx: Knex.Transaction, existing: SandboxTrade | undefined) => Promise<T>,
  ): Promise<T> {
    await this.ready();
    return this.knex.transaction(async (trx) => {
      await lockOrder(trx, trade.appId, trade.outTradeNo);
      const row: TradeRow | undefined = await this.newest(trx, trade.appId, trade.outTradeNo);
      return work(trx, row && toTrade(row));
    });
  }

  /**
   * Runs `work` on a merchant's trade under its order's lock, the one payments take: by trade_no when
   * given (and then of that out_trade_no, when given too), else the order's newest trade. Refunds of a
   * trade are weighed one at a time this way.
   */
  async underTradeLock<T>(
    appId: string,
    which: TradeNumbers,
    work: (trx: Knex.Transaction, trade: SandboxTrade | undefined) => Promise<T>,
  ): Promise<T> {
    await this.ready();
    return this.knex.transaction(async (trx) => {
      const found = await this.find(appId, which, trx);
      if (!found) return work(trx, undefined);
      await lockOrder(trx, appId, found.outTradeNo);
      const [row]: TradeRow[] = await this.select(trx).where({ trade_no: found.tradeNo });
      return work(trx, row && toTrade(row));
    });
  }

  /** A merchant's trade by trade_no when given (of that out_trade_no, when given too), else the order's newest. */
  async find(appId: string, { tradeNo, outTradeNo }: TradeNumbers, knex: Knex = this.knex): Promise<SandboxTrade | undefined> {
    await this.ready();
    if (!tradeNo) {
      const newest = outTradeNo ? await this.newest(knex, appId, outTradeNo) : undefined;
      return newest && toTrade(newest);
    }
    const [row]: TradeRow[] = await this.select(knex).where({ app_id: appId, trade_no: tradeNo });
    return row && (!outTradeNo || row.out_trade_no === outTradeNo) ? toTrade(row) : undefined;
  }

  /** Fully refunded: Alipay closes the trade. */
  async close(trx: Knex.Transaction, tradeNo: string, at: Date): Promise<void> {
    await trx(TABLE).where({ trade_no: tradeNo }).update({ trade_status: 'TRADE_CLOSED', gmt_close: at });
  }

  /** The newest trade of a merchant order, as alipay.trade.query finds it. */
  async findByOutTradeNo(appId: string, outTradeNo: string): Promise<SandboxTrade | undefined> {
    await this.ready();
    const row = await this.newest(this.knex, appId, outTradeNo);
    return row ? toTrade(row) : undefined;
  }

  private newest(knex: Knex, appId: string, outTradeNo: string): Promise<TradeRow | undefined> {
    return this.select(knex)
      .where({ app_id: appId, out_trade_no: outTradeNo })
      .orderBy([
        { column: 'gmt_create', order: 'desc' },
        { column: 'trade_no', order: 'desc' },
      ])
      .first();
  }

  /** Trades paid on a Beijing day (`yyyy-MM-dd`), oldest first: what that day's bill lists. */
  async paidOn(beijingDay: string): Promise<SandboxTrade[]> {
    const from = beijingMidnight(beijingDay);
    if (Number.isNaN(from.getTime())) throw new RangeError(`not a yyyy-MM-dd day: ${beijingDay}`);
    await this.ready();
    const rows: TradeRow[] = await this.select()
      .where('gmt_payment', '>=', from)
      .andWhere('gmt_payment', '<', beijingMidnight(beijingDay, 1))
      .orderBy([{ column: 'gmt_payment' }, { column: 'trade_no' }]);
    return rows.map(toTrade);
  }

  /** The trades of these trade numbers, in no particular order. */
  async byTradeNos(tradeNos: readonly string[]): Promise<SandboxTrade[]> {
    if (tradeNos.length === 0) return [];
    await this.ready();
    const rows: TradeRow[] = await this.select().whereRaw('trade_no = ANY(?::text[])', [[...tradeNos]]);
    return rows.map(toTrade);
  }

  private select(knex: Knex = this.knex): Knex.QueryBuilder {
    return knex(TABLE).select(...COLUMNS, knex.raw('total_amount::text as total_amount'));
  }

  /** Creates the table where it does not exist yet (once per instance). */
  ready(): Promise<void> {
    return this.tables.ensure();
  }
}

/** The lock payments and refunds of one order take (for the transaction). */
function lockOrder(trx: Knex.Transaction, appId: string, outTradeNo: string): Promise<unknown> {
  return trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`sandbox-trade:${appId}:${outTradeNo}`]);
}
