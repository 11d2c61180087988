import type { KeyObject } from 'node:crypto';
import { type SandboxSignType, verifyMerchantRequest } from './alipay-signing.ts';
import { gatewayParams } from './gateway-params.ts';
import { type OpenApiAnswer, refusedRequest } from './openapi-answer.ts';
import type { TradeNumbers } from './sandbox-trades.ts';

/** The one app the sandbox serves: its id, and its public key (as uploaded to Alipay's console) that checks its calls. */
export interface MerchantApp {
  readonly appId: string;
  readonly appKey: KeyObject;
}

/** A merchant's OpenAPI call that verified: its parameters, its biz_content, and how its answers are signed. */
export interface MerchantCall {
  readonly params: Readonly<Record<string, string>>;
  readonly biz: Readonly<Record<string, unknown>>;
  readonly signType: SandboxSignType;
}

/**
 * A gateway call to `method` as Alipay checks it before anything else: each key once, our app, this
 * method, signed by the app's key, a biz_content that is a JSON object. Otherwise the unsigned 40002
 * Alipay answers instead.
 */
export function readMerchantCall(query: string, body: string, app: MerchantApp, method: string): MerchantCall | { refusal: OpenApiAnswer } {
  const read = gatewayParams(query, body);
  if ('duplicate' in read) return refusal('isv.invalid-parameter', `参数无效：${read.duplicate} 出现了不止一次`);
  const { params } = read;
  if (params.app_id !== app.appId) return refusal('isv.invalid-app-id', '无效的AppID参数');
  if (params.method !== method) return refusal('isv.invalid-method', '不存在的方法名');
  if (!verifyMerchantRequest(params, app.appKey))
    return refusal('isv.invalid-signature', '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配');
  const biz = objectOf(params.biz_content);
  if (!biz) return refusal('isv.invalid-parameter', '参数无效：biz_content 须为 JSON 对象');
  return { params, biz, signType: params.sign_type === 'RSA' ? 'RSA' : 'RSA2' };
}

/** A text field of biz_content; undefined when absent, empty or not text. */
export function textField(biz: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = biz[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The trade a call names, by trade_no, out_trade_no or both; null when it names none. */
export function tradeNumbersOf(biz: Readonly<Record<string, unknown>>): TradeNumbers | null {
  const tradeNo = textField(biz, 'trade_no');
  const outTradeNo = textField(biz, 'out_trade_no');
  if (tradeNo === undefined && outTradeNo === undefined) return null;
  return { ...(tradeNo ? { tradeNo } : {}), ...(outTradeNo ? { outTradeNo } : {}) };
}

export function objectOf(json: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json ?? '');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function refusal(subCode: string, subMsg: string): { refusal: OpenApiAnswer } {
  return { refusal: refusedRequest(subCode, subMsg) };
}
