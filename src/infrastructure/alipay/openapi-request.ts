import { beijingTimestamp } from '../../domain/beijing-time.ts';
import type { RequestSigner } from './request-signer.ts';

/**
 * The parameters of an OpenAPI call (alipay.trade.page.pay, alipay.trade.query, …) with their
 * signature: the common parameters, `extra` and biz_content, signed by the request rule.
 */
export function signedRequest(
  signer: RequestSigner,
  call: { appId: string; method: string; bizContent: object; at: Date; extra?: Record<string, string> },
): Record<string, string> {
  const params: Record<string, string> = {
    app_id: call.appId,
    method: call.method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: signer.signType,
    timestamp: beijingTimestamp(call.at),
    version: '1.0',
    ...call.extra,
    biz_content: JSON.stringify(call.bizContent),
  };
  // A request's sign content keeps sign_type; only Alipay's callbacks leave it out.
  const content = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  return { ...params, sign: signer.sign(content) };
}
