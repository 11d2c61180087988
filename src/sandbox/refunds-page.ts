import type { Context } from 'koa';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { readRawBody } from '../interfaces/http/middleware/raw-body.ts';
import { REFUND_FAULTS, type RefundFault, type SandboxRefundFault } from './refund-fault.ts';
import type { SandboxRefunds } from './sandbox-refunds.ts';
import type { SandboxTrades } from './sandbox-trades.ts';

export const REFUNDS_PATH = '/sandbox/refunds';
const LISTED = 50;

/** `/sandbox/refunds`: the refunds the sandbox made, and the switch that withholds the answer to the next one. */
export class SandboxRefundsPage {
  constructor(
    private readonly refunds: SandboxRefunds,
    private readonly trades: SandboxTrades,
    private readonly fault: SandboxRefundFault,
  ) {}

  /** `GET /sandbox/refunds`: the newest refunds, and whether the next one will go unanswered. */
  page = async (ctx: Context): Promise<void> => {
    const refunds = await this.refunds.recent(LISTED);
    const orders = new Map((await this.trades.byTradeNos(refunds.map((refund) => refund.tradeNo))).map((trade) => [trade.tradeNo, trade]));
    ctx.set('Cache-Control', 'no-store');
    await ctx.render('sandbox/refunds.pug', {
      wide: true,
      fault: await this.fault.armed(),
      refunds: refunds.map((refund) => ({
        tradeNo: refund.tradeNo,
        outTradeNo: orders.get(refund.tradeNo)?.outTradeNo ?? '',
        outRequestNo: refund.outRequestNo,
        amount: refund.amount,
        at: beijingTimestamp(refund.at),
        billOnly: refund.billOnly,
      })),
    });
  };

  /** `POST /sandbox/refunds`: action=arm with mode=hang|http-502, or action=disarm; then back to the page. */
  change = async (ctx: Context): Promise<void> => {
    const form = new URLSearchParams(new TextDecoder().decode(await readRawBody(ctx, 4 * 1024)));
    const action = form.get('action');
    const mode = form.get('mode') as RefundFault;
    if (action === 'arm' && REFUND_FAULTS.includes(mode)) await this.fault.arm(mode);
    else if (action === 'disarm') await this.fault.disarm();
    else {
      ctx.status = 400;
      await ctx.render('sandbox/message.pug', { title: '支付宝沙箱：操作被拒绝', message: '未知的操作', backUrl: REFUNDS_PATH });
      return;
    }
    ctx.redirect(REFUNDS_PATH);
  };
}
