import type { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { readRawBody } from '../interfaces/http/middleware/raw-body.ts';
import { readMerchantCall, textField } from './merchant-call.ts';
import { type OpenApiAnswer, refusedRequest, sendOpenApiAnswer } from './openapi-answer.ts';
import { SANDBOX_BUYER, type SandboxTrade, type SandboxTrades, tradeAt } from './sandbox-trades.ts';

export interface TradeQuerySettings {
  readonly appId: string;
  /** Our app's public key: checks the request. */
  readonly appKey: KeyObject;
  /** The sandbox's stand-in for Alipay's private key: signs the answer. */
  readonly alipayKey: KeyObject;
  readonly trades: SandboxTrades;
  readonly logger: Logger;
  /** A trade left waiting past its time_expire is answered TRADE_CLOSED from then on. */
  readonly now: () => Date;
}

type Fields = Record<string, string>;

interface Answer extends OpenApiAnswer {
  readonly outTradeNo?: string;
}

const RESPONSE_KEY = 'alipay_trade_query_response';

/** `POST /sandbox/gateway.do` with method alipay.trade.query, answered in Alipay's JSON shape. */
export class SandboxTradeQuery {
  constructor(private readonly settings: TradeQuerySettings) {}

  handle = async (ctx: Context): Promise<void> => {
    await this.respond(ctx, ctx.querystring, new TextDecoder().decode(await readRawBody(ctx, 64 * 1024)));
  };

  /** Answers a gateway call whose body has been read already (any method but the bill's comes here). */
  async respond(ctx: Context, query: string, body: string): Promise<void> {
    const { fields, signType, outTradeNo } = await this.answer(query, body);
    this.settings.logger.info(
      { sandbox: true, outTradeNo, answer: `${fields.code} ${fields.sub_code ?? fields.trade_status}` },
      'sandbox trade query answered',
    );
    sendOpenApiAnswer(ctx, RESPONSE_KEY, { fields, signType }, this.settings.alipayKey);
  }

  private async answer(query: string, body: string): Promise<Answer> {
    const call = readMerchantCall(query, body, this.settings, 'alipay.trade.query');
    if ('refusal' in call) return call.refusal;
    const outTradeNo = textField(call.biz, 'out_trade_no');
    if (outTradeNo === undefined) return refusedRequest('isv.invalid-parameter', '参数无效：biz_content 须为含 out_trade_no 的 JSON');
    const trade = await this.settings.trades.findByOutTradeNo(this.settings.appId, outTradeNo);
    return {
      fields: trade ? found(tradeAt(trade, this.settings.now())) : notFound(outTradeNo),
      signType: call.signType,
      outTradeNo,
    };
  }
}

// Keys in the order Alipay writes them.
function found(trade: SandboxTrade): Fields {
  const paid = trade.gmtPayment !== null ? trade.totalAmount : '0.00';
  return {
    code: '10000',
    msg: 'Success',
    buyer_logon_id: SANDBOX_BUYER.logonId,
    buyer_pay_amount: paid,
    buyer_user_id: SANDBOX_BUYER.userId,
    invoice_amount: paid,
    out_trade_no: trade.outTradeNo,
    point_amount: '0.00',
    receipt_amount: paid,
    ...(trade.gmtPayment !== null ? { send_pay_date: beijingTimestamp(trade.gmtPayment) } : {}),
    total_amount: trade.totalAmount,
    trade_no: trade.tradeNo,
    trade_status: trade.tradeStatus,
  };
}

function notFound(outTradeNo: string): Fields {
  return {
    code: '40004',
    msg: 'Business Failed',
    sub_code: 'ACQ.TRADE_NOT_EXIST',
    sub_msg: '交易不存在',
    buyer_pay_amount: '0.00',
    invoice_amount: '0.00',
    out_trade_no: outTradeNo,
    point_amount: '0.00',
    receipt_amount: '0.00',
  };
}
