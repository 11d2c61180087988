import { inject, injectable } from 'inversify';
import { TradeQueryFailed } from '../../application/errors.ts';
import type { AlipayMessage } from '../../application/ports/alipay-message.ts';
import type { Clock } from '../../application/ports/clock.ts';
import type { TradeQuery } from '../../application/ports/trade-query.ts';
import { TOKENS } from '../../application/tokens.ts';
import { TRADE_QUERY } from '../../domain/trade-status.ts';
import { INFRA } from '../tokens.ts';
import { boundedFetch, CallFailed } from './bounded-fetch.ts';
import { signedRequest } from './openapi-request.ts';
import type { RequestSigner } from './request-signer.ts';
import { readEnvelope } from './response-envelope.ts';
import { tradeReportOf } from './trade-report.ts';

export interface OpenApiSettings {
  readonly appId: string;
  /** Alipay's gateway, or the local sandbox's. */
  readonly gatewayUrl: string;
  /** ALIPAY_HTTP_TIMEOUT: the whole call, answer read included. */
  readonly timeoutMs: number;
}

const RESPONSE_KEY = 'alipay_trade_query_response';
// An answer is a few hundred bytes; anything far larger is not Alipay's.
const MAX_ANSWER_BYTES = 256 * 1024;

/** alipay.trade.query over HTTPS: a signed POST, and Alipay's answer cut out exactly as signed (docs/alipay.md). */
@injectable()
export class AlipayTradeQuery implements TradeQuery {
  constructor(
    @inject(INFRA.RequestSigner) private readonly signer: RequestSigner,
    @inject(INFRA.OpenApiSettings) private readonly settings: OpenApiSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async ask(orderId: string): Promise<AlipayMessage> {
    const { appId, gatewayUrl } = this.settings;
    const params = signedRequest(this.signer, { appId, method: TRADE_QUERY, at: this.clock.now(), bizContent: { out_trade_no: orderId } });
    const body = await this.post(gatewayUrl, new URLSearchParams(params).toString());
    const envelope = readEnvelope(body, RESPONSE_KEY);
    if (typeof envelope === 'string') throw new TradeQueryFailed(envelope);
    const fields = new Map(
      Object.entries(envelope.response).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
    );
    if (envelope.sign === '') {
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
      raw: body,
      ambiguity: null,
      fields: new Map([...fields, ['sign', envelope.sign]]),
      sign: envelope.sign,
      signType: undefined,
      signedContents: [envelope.signedBytes],
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

  private async post(url: string, form: string): Promise<Uint8Array> {
    try {
      return await boundedFetch(
        url,
        { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' }, body: form },
        { timeoutMs: this.settings.timeoutMs, maxBytes: MAX_ANSWER_BYTES, what: 'alipay.trade.query' },
      );
    } catch (error) {
      throw error instanceof CallFailed ? new TradeQueryFailed(error.message) : error;
    }
  }
}
