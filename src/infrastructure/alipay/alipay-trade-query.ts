import { inject, injectable } from 'inversify';
import { TradeQueryFailed } from '../../application/errors.ts';
import type { AlipayMessage } from '../../application/ports/alipay-message.ts';
import type { Clock } from '../../application/ports/clock.ts';
import type { TradeQuery } from '../../application/ports/trade-query.ts';
import { TOKENS } from '../../application/tokens.ts';
import { TRADE_QUERY } from '../../domain/trade-status.ts';
import { INFRA } from '../tokens.ts';
import { callOpenApi, type OpenApiSettings } from './openapi-call.ts';
import type { RequestSigner } from './request-signer.ts';
import { tradeReportOf } from './trade-report.ts';

export type { OpenApiSettings };

/** alipay.trade.query over HTTPS: a signed POST, and Alipay's answer cut out exactly as signed (docs/alipay.md). */
@injectable()
export class AlipayTradeQuery implements TradeQuery {
  constructor(
    @inject(INFRA.RequestSigner) private readonly signer: RequestSigner,
    @inject(INFRA.OpenApiSettings) private readonly settings: OpenApiSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async ask(orderId: string): Promise<AlipayMessage> {
    const { appId } = this.settings;
    const answer = await callOpenApi(
      { signer: this.signer, settings: this.settings, at: this.clock.now() },
      TRADE_QUERY,
      { out_trade_no: orderId },
      (why) => new TradeQueryFailed(why),
    );
    const { fields, sign } = answer;
    if (sign === '') {
      // Alipay leaves refusals of our own request unsigned (a bad app key, a bad app_id): say which.
      const why = ['code', 'sub_code', 'sub_msg']
        .map((name) => fields.get(name))
        .filter(Boolean)
        .join(' ');
      throw new TradeQueryFailed(`Alipay answered without a signature: ${why || 'no code'}`);
    }
    const code = fields.get('code') ?? '';
    const report = tradeReportOf(fields);
    return {
      raw: answer.raw,
      ambiguity: null,
      fields: new Map([...fields, ['sign', sign]]),
      sign,
      signType: undefined,
      signedContents: answer.signedContents,
      report: {
        ...report,
        // The answer names neither: our request named the app, and Alipay signed its answer to that request.
        appId,
        sellerId: null,
        kind: {
          method: TRADE_QUERY,
          notifyType: '',
          tradeStatus: code === '10000' ? (fields.get('trade_status') ?? '') : '',
          refundFee: '',
          gmtRefund: '',
          subCode: fields.get('sub_code') ?? '',
        },
      },
    };
  }
}
