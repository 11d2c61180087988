import type { Context } from 'koa';
import { beijingDigits } from '../domain/beijing-time.ts';
import { isCalendarDay } from '../domain/calendar-day.ts';
import { readRawBody } from '../interfaces/http/middleware/raw-body.ts';
import { newTradeNo } from './alipay-signing.ts';
import type { BillChange } from './bill-changes.ts';
import { refundEntry, tradeEntry } from './bill-entries.ts';
import type { SandboxTrade } from './sandbox-trades.ts';
import { type BillEntry, yuan } from './trade-bill-lines.ts';
import { BILLS_PATH, type SandboxBillSettings, sandboxToday } from './trade-bills.ts';
import { isYuanAmount } from './yuan.ts';

/** One line of the bills page: a trade paid that day, or a refund made that day, and what the bill says of it. */
interface PageLine {
  readonly trade: SandboxTrade;
  readonly change: BillChange | undefined;
  readonly entry: BillEntry | null;
  /** The trade has a refund, whenever made: its 今天全额退款 is not offered again. */
  readonly refunded: boolean;
  /** The line is a refund only the bill lists. */
  readonly billOnly?: boolean;
}

/** `/sandbox/bills`: a day's trades and refunds as its bill will have them, and the buttons that change the bill. */
export class SandboxBillPage {
  constructor(private readonly settings: SandboxBillSettings) {}

  /** `GET /sandbox/bills?date=yyyy-MM-dd`: that day's trades and refunds, and the buttons that change its bill. */
  page = async (ctx: Context): Promise<void> => {
    const asked = typeof ctx.query.date === 'string' ? ctx.query.date : '';
    const day = isCalendarDay(asked) ? asked : this.today();
    const lines = await this.linesOf(day);
    ctx.set('Cache-Control', 'no-store');
    await ctx.render('sandbox/bills.pug', {
      wide: true,
      day,
      today: this.today(),
      published: day < this.today() || (day === this.today() && this.settings.billsForToday),
      lines: lines.map(({ trade, change, entry, refunded, billOnly }) => ({
        tradeNo: trade.tradeNo,
        outTradeNo: trade.outTradeNo,
        amount: trade.totalAmount,
        kind: entry?.kind === 'refund' ? (billOnly ? '退款（仅账单）' : '退款') : '交易',
        refundNo: entry?.refundNo ?? '',
        billAmount: entry ? yuan(entry.amountFen) : '',
        omitted: change?.omitted === true && entry?.kind !== 'refund',
        refund: entry?.kind === 'refund',
        refunded,
      })),
    });
  };

  /** `POST /sandbox/bills`: one change, then back to the page. */
  change = async (ctx: Context): Promise<void> => {
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, 16 * 1024)));
    const day = isCalendarDay(form.get('date') ?? '') ? form.get('date')! : this.today();
    const tradeNo = form.get('trade_no') ?? '';
    const { changes, trades, refunds } = this.settings;
    const action = form.get('action');
    const [trade] = action !== 'unknown-order' && /^[\w-]{1,64}$/.test(tradeNo) ? await trades.byTradeNos([tradeNo]) : [];
    if (action !== 'unknown-order' && trade?.appId !== this.settings.appId) return this.refuse(ctx, `交易 ${tradeNo} 不存在`);
    switch (action) {
      case 'omit':
        await changes.setOmitted(tradeNo, true);
        break;
      case 'restore':
        await changes.setOmitted(tradeNo, false);
        await changes.setBillAmount(tradeNo, null);
        break;
      case 'amount': {
        const amount = form.get('amount') ?? '';
        if (!isYuanAmount(amount)) return this.refuse(ctx, `金额须为 0.01 到 99999999.99 元（收到 ${JSON.stringify(amount)}）`);
        await changes.setBillAmount(tradeNo, amount);
        break;
      }
      case 'refund': {
        const at = this.settings.now();
        await refunds.recordBillOnly({
          tradeNo,
          amount: trade!.totalAmount,
          at,
          outRequestNo: `RF${beijingDigits(at)}${tradeNo.slice(-6)}`,
        });
        break;
      }
      case 'unknown-order': {
        const at = this.settings.now();
        const digits = beijingDigits(at);
        await trades.record({
          tradeNo: newTradeNo(digits.slice(0, 8)),
          outTradeNo: `SANDBOX${digits}${String(at.getMilliseconds()).padStart(3, '0')}`,
          appId: this.settings.appId,
          sellerId: this.settings.sellerId,
          subject: '不属于本店的订单（沙箱）',
          totalAmount: '1.00',
          tradeStatus: 'TRADE_SUCCESS',
          gmtCreate: at,
          gmtPayment: at,
          gmtClose: null,
        });
        break;
      }
      default:
        return this.refuse(ctx, '未知的操作');
    }
    ctx.redirect(`${BILLS_PATH}?date=${day}`);
  };

  /** The day's trades (paid that day) and refunds (made that day), each with the bill's row, if it has one. */
  private async linesOf(day: string): Promise<PageLine[]> {
    const { trades, changes, refunds, appId } = this.settings;
    const paid = (await trades.paidOn(day)).filter((trade) => trade.appId === appId);
    const changed = await changes.forTrades(paid.map((trade) => trade.tradeNo));
    const madeThatDay = await refunds.refundedOn(day);
    const refundedTrades = new Map(
      (await trades.byTradeNos(madeThatDay.map((refund) => refund.tradeNo))).map((trade) => [trade.tradeNo, trade]),
    );
    const everRefunded = await refunds.refundedOf(paid.map((trade) => trade.tradeNo));
    const lines: PageLine[] = paid.map((trade) => {
      const change = changed.get(trade.tradeNo);
      const entry = change?.omitted ? null : tradeEntry(trade, change?.billAmount ?? trade.totalAmount);
      return { trade, change, entry, refunded: everRefunded.has(trade.tradeNo) };
    });
    for (const refund of madeThatDay) {
      const trade = refundedTrades.get(refund.tradeNo);
      if (trade && trade.appId === appId)
        lines.push({ trade, change: undefined, entry: refundEntry(trade, refund), refunded: true, billOnly: refund.billOnly });
    }
    return lines;
  }

  private today(): string {
    return sandboxToday(this.settings);
  }

  private async refuse(ctx: Context, message: string): Promise<void> {
    ctx.status = 400;
    await ctx.render('sandbox/message.pug', { title: '支付宝沙箱：操作被拒绝', message, backUrl: BILLS_PATH });
  }
}
