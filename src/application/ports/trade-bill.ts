/**
 * Alipay's daily trade bill (业务明细, bill_type `trade`) as the application reads it: one row per trade
 * or refund of a Beijing day, the bill's own totals, and what could not be read.
 *
 * Amounts are integer fen with a sign, not `Money`: refund rows carry negative amounts, and `Money`
 * holds none (a negative amount is never a payment).
 */

/** 业务类型: 交易 is a payment, 退款 a refund of one. */
export type BillRowKind = 'trade' | 'refund';

export interface BillRow {
  /** Where the row stands in the detail file (1-based), for messages. */
  readonly line: number;
  readonly kind: BillRowKind;
  /** 支付宝交易号, without the tab Alipay appends. A refund row names the trade it refunds. */
  readonly tradeNo: string;
  /** 商户订单号: our order id. */
  readonly outTradeNo: string;
  /** 订单金额（元） in fen; negative on refund rows. */
  readonly amountFen: number;
  /** 商家实收（元） in fen (what the merchant received after Alipay's own discounts); negative on refund rows. */
  readonly receivedFen: number;
  /** 服务费（元） in fen, as signed in the bill; 0 when the column is absent or empty. */
  readonly serviceFeeFen: number;
  /** 商品名称; '' when the column is absent. */
  readonly subject: string;
  /** 创建时间 (Beijing time in the file). */
  readonly createdAt: Date;
  /** 完成时间: when paid, or when refunded; null when empty. */
  readonly finishedAt: Date | null;
  /** 退款批次号/请求号; null on trade rows and when empty. */
  readonly refundBatchNo: string | null;
  /** 备注; '' when absent. */
  readonly remark: string;
}

/** One of the bill's own total lines (`#交易合计：…` or `#退款合计：…`). */
export interface BillTotal {
  readonly count: number;
  /** The amount the line states, in fen: 商家实收 in Alipay's files; negative for refunds. */
  readonly amountFen: number;
}

export interface BillTotals {
  readonly trades: BillTotal;
  readonly refunds: BillTotal;
}

/** A line that was read past: a row that is not one, or a total that does not parse. */
export interface BillProblem {
  readonly line: number;
  readonly reason: string;
}

/** What the detail file says of itself, known once it has been read to the end. */
export interface BillSummary {
  /** The detail file's name in the zip, such as `20880000000000000156_20261130_业务明细.csv`. */
  readonly file: string;
  /** `#账号：[…]`, null when the line is absent. */
  readonly account: string | null;
  /** `#起始日期：[…]   终止日期：[…]`: the instants the bill covers, null when absent. */
  readonly period: { readonly from: Date; readonly to: Date } | null;
  /**
   * The bill's own totals (`#交易合计`, `#退款合计`, written after the rows); null when the file states
   * none (or only one of the two).
   */
  readonly totals: BillTotals | null;
  /** How many well-formed rows were read. */
  readonly rowCount: number;
  /**
   * The first 1,000 lines read past (rows and total lines), in line order, each with why. Never fatal.
   */
  readonly problems: readonly BillProblem[];
  /** Every line read past: more than `problems` holds when there were over 1,000. */
  readonly problemCount: number;
}

/** A whole bill at once: its summary and every well-formed row, in the file's order. */
export type TradeBill = BillSummary & {
  /** Every well-formed row, in the file's order (`rowCount` of them). */
  readonly rows: readonly BillRow[];
};

/** Takes one batch of a bill's rows, in the file's order; the next batch is read once it has settled. */
export type BillRowSink = (rows: readonly BillRow[]) => Promise<void>;

export interface TradeBillSource {
  /**
   * Reads the trade bill of one Beijing day (`yyyy-MM-dd`), handing its rows to `sink` in batches, in the
   * file's order, so that no day is ever held whole; 'not_ready' while Alipay has not published it
   * (`isp.bill_not_exist`: daily bills appear the next morning).
   * @returns what the file says of itself, once it is read to the end
   * @throws BillUnreadable when there is no signed answer to rely on, the download fails, or the file
   *   is not a trade bill of that day (no detail file, no header row, a required column missing, another
   *   day's period): rows may have reached `sink` before
   */
  read(date: string, sink: BillRowSink): Promise<BillSummary | 'not_ready'>;
}
