import { inject, injectable } from 'inversify';
import { RefundCallFailed } from '../../application/errors.ts';
import type { Clock } from '../../application/ports/clock.ts';
import type { RefundCall, RefundGateway, SignedAnswer } from '../../application/ports/refund-gateway.ts';
import { TOKENS } from '../../application/tokens.ts';
import { INFRA } from '../tokens.ts';
import { callOpenApi, type OpenApiSettings } from './openapi-call.ts';
import type { RequestSigner } from './request-signer.ts';

export const TRADE_REFUND = 'alipay.trade.refund';
export const REFUND_QUERY = 'alipay.trade.fastpay.refund.query';

/** alipay.trade.refund and alipay.trade.fastpay.refund.query over HTTPS; the answers come back unverified, as received. */
@injectable()
export class AlipayRefundGateway implements RefundGateway {
  constructor(
    @inject(INFRA.RequestSigner) private readonly signer: RequestSigner,
    @inject(INFRA.OpenApiSettings) private readonly settings: OpenApiSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  refund({ orderId, tradeNo, outRequestNo, amount, reason }: RefundCall): Promise<SignedAnswer> {
    return this.call(TRADE_REFUND, {
      out_trade_no: orderId,
      trade_no: tradeNo,
      refund_amount: amount,
      out_request_no: outRequestNo,
      refund_reason: reason,
    });
  }

  ask({ orderId, tradeNo, outRequestNo }: Pick<RefundCall, 'orderId' | 'tradeNo' | 'outRequestNo'>): Promise<SignedAnswer> {
    // query_options asks for gmt_refund_pay, the time the money went back.
    return this.call(REFUND_QUERY, {
      out_trade_no: orderId,
      trade_no: tradeNo,
      out_request_no: outRequestNo,
      query_options: ['gmt_refund_pay'],
    });
  }

  private call(method: string, bizContent: object): Promise<SignedAnswer> {
    return callOpenApi(
      { signer: this.signer, settings: this.settings, at: this.clock.now() },
      method,
      bizContent,
      (why) => new RefundCallFailed(why),
    );
  }
}
