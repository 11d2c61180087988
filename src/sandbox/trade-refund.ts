import type { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { type MerchantApp, readMerchantCall, textField, tradeNumbersOf } from './merchant-call.ts';
import type { NotifySender } from './notify-sender.ts';
import { type OpenApiAnswer, refusedRequest, sendOpenApiAnswer } from './openapi-answer.ts';
import type { SandboxRefundFault } from './refund-fault.ts';
import type { RefundAsk } from './refund-rules.ts';
import type { RefundMade, SandboxRefunds } from './sandbox-refunds.ts';
import { SANDBOX_BUYER } from './sandbox-trades.ts';
import { type NotifySeller, refundNotify } from './trade-notify.ts';

export const TRADE_REFUND = 'alipay.trade.refund';
const RESPONSE_KEY = 'alipay_trade_refund_response';
const AMOUNT = /^\d{1,8}(\.\d{1,2})?$/;

export interface TradeRefundSettings extends MerchantApp, NotifySeller {
  readonly alipayKey: KeyObject;
  readonly refunds: SandboxRefunds;
  readonly fault: SandboxRefundFault;
  readonly notifier: NotifySender;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** What one refund call came to: the answer, and the refund it made, when it made one now. */
interface Handled {
  readonly answer: OpenApiAnswer;
  readonly moved?: RefundMade;
}

/**
 * `POST /sandbox/gateway.do` with method alipay.trade.refund: idempotent per out_request_no, never more
 * than remains; a refund made now is notified to the trade's notify_url. The fault switch makes it
 * carry the next refund out and withhold the answer (and the notify).
 */
export class SandboxTradeRefund {
  constructor(private readonly settings: TradeRefundSettings) {}

  async respond(ctx: Context, query: string, body: string): Promise<void> {
    const { answer, moved } = await this.handle(query, body);
    const { fields } = answer;
    const fault = moved ? await this.settings.fault.take() : null;
    this.settings.logger.info(
      {
        sandbox: true,
        outTradeNo: fields.out_trade_no,
        outRequestNo: moved?.refund.outRequestNo,
        answer: `${fields.code} ${fields.sub_code ?? `fund_change ${fields.fund_change}`}`,
        ...(fault ? { fault } : {}),
      },
      fault ? 'sandbox refund made; answer and notify withheld' : 'sandbox refund answered',
    );
    if (fault) return this.settings.fault.withhold(ctx, fault);
    if (moved?.trade.notifyUrl) {
      this.settings.notifier.send(moved.trade.notifyUrl, refundNotify(moved.trade, moved.refund, moved.refundFee, this.settings));
    }
    sendOpenApiAnswer(ctx, RESPONSE_KEY, answer, this.settings.alipayKey);
  }

  private async handle(query: string, body: string): Promise<Handled> {
    const call = readMerchantCall(query, body, this.settings, TRADE_REFUND);
    if ('refusal' in call) return { answer: call.refusal };
    const which = tradeNumbersOf(call.biz);
    if (which === null) return { answer: refusedRequest('isv.missing-parameter', '缺少必选参数：out_trade_no 或 trade_no') };
    const amount = textField(call.biz, 'refund_amount') ?? '';
    if (!AMOUNT.test(amount)) return { answer: refusedRequest('isv.invalid-parameter', '参数无效：refund_amount 须为最多两位小数的金额') };
    const outRequestNo = textField(call.biz, 'out_request_no') ?? null;
    if (outRequestNo !== null && outRequestNo.length > 64)
      return { answer: refusedRequest('isv.invalid-parameter', '参数无效：out_request_no 最长 64 个字符') };
    const ask: RefundAsk = { outRequestNo, amount };
    const outcome = await this.settings.refunds.refund(this.settings.appId, which, ask, this.settings.now());
    if ('refused' in outcome) {
      const { subCode, subMsg } = outcome.refused;
      const named: Record<string, string> = outcome.trade
        ? { out_trade_no: outcome.trade.outTradeNo, trade_no: outcome.trade.tradeNo }
        : {};
      return {
        answer: {
          fields: { code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg, ...named },
          signType: call.signType,
        },
      };
    }
    const { made } = outcome;
    return { answer: { fields: refunded(made), signType: call.signType }, ...(made.fundChange ? { moved: made } : {}) };
  }
}

// Keys in the order Alipay writes them.
function refunded({ trade, refund, refundFee, fundChange }: RefundMade): Record<string, string> {
  return {
    code: '10000',
    msg: 'Success',
    buyer_logon_id: SANDBOX_BUYER.logonId,
    buyer_user_id: SANDBOX_BUYER.userId,
    fund_change: fundChange ? 'Y' : 'N',
    gmt_refund_pay: beijingTimestamp(refund.at),
    out_trade_no: trade.outTradeNo,
    refund_fee: refundFee,
    send_back_fee: refund.amount,
    trade_no: trade.tradeNo,
  };
}
