import type { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { type MerchantApp, readMerchantCall, textField, tradeNumbersOf } from './merchant-call.ts';
import { type OpenApiAnswer, refusedRequest, sendOpenApiAnswer } from './openapi-answer.ts';
import type { SandboxRefunds } from './sandbox-refunds.ts';
import type { SandboxTrades } from './sandbox-trades.ts';

export const REFUND_QUERY = 'alipay.trade.fastpay.refund.query';
const RESPONSE_KEY = 'alipay_trade_fastpay_refund_query_response';

export interface RefundQuerySettings extends MerchantApp {
  readonly alipayKey: KeyObject;
  readonly trades: SandboxTrades;
  readonly refunds: SandboxRefunds;
  readonly logger: Logger;
}

/**
 * `POST /sandbox/gateway.do` with method alipay.trade.fastpay.refund.query: REFUND_SUCCESS with the
 * refund's amount when the trade has a refund of that out_request_no (the order's own number when none
 * is given, as Alipay defaults it); code 10000 without refund_status when it has none.
 */
export class SandboxRefundQuery {
  constructor(private readonly settings: RefundQuerySettings) {}

  async respond(ctx: Context, query: string, body: string): Promise<void> {
    const answer = await this.answer(query, body);
    const { fields } = answer;
    this.settings.logger.info(
      {
        sandbox: true,
        outTradeNo: fields.out_trade_no,
        outRequestNo: fields.out_request_no,
        answer: `${fields.code} ${fields.sub_code ?? fields.refund_status ?? 'no refund'}`,
      },
      'sandbox refund query answered',
    );
    sendOpenApiAnswer(ctx, RESPONSE_KEY, answer, this.settings.alipayKey);
  }

  private async answer(query: string, body: string): Promise<OpenApiAnswer> {
    const call = readMerchantCall(query, body, this.settings, REFUND_QUERY);
    if ('refusal' in call) return call.refusal;
    const which = tradeNumbersOf(call.biz);
    if (which === null) return refusedRequest('isv.missing-parameter', '缺少必选参数：out_trade_no 或 trade_no');
    const { signType } = call;
    const trade = await this.settings.trades.find(this.settings.appId, which);
    if (!trade)
      return { fields: { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' }, signType };
    const outRequestNo = textField(call.biz, 'out_request_no') ?? trade.outTradeNo;
    const refund = await this.settings.refunds.find(trade.tradeNo, outRequestNo);
    const named = { out_request_no: outRequestNo, out_trade_no: trade.outTradeNo };
    if (!refund) return { fields: { code: '10000', msg: 'Success', ...named, trade_no: trade.tradeNo }, signType };
    // Keys in the order Alipay writes them.
    return {
      fields: {
        code: '10000',
        msg: 'Success',
        gmt_refund_pay: beijingTimestamp(refund.at),
        ...named,
        refund_amount: refund.amount,
        refund_status: 'REFUND_SUCCESS',
        total_amount: trade.totalAmount,
        trade_no: trade.tradeNo,
      },
      signType,
    };
  }
}
