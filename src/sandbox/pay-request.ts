import type { KeyObject } from 'node:crypto';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { verifyMerchantRequest } from './alipay-signing.ts';
import { isYuanAmount } from './yuan.ts';

export interface PayRequest {
  readonly params: Record<string, string>;
  /** page: the desktop cashier (alipay.trade.page.pay); wap: the phone's (alipay.trade.wap.pay). */
  readonly channel: 'page' | 'wap';
  readonly orderId: string;
  readonly amount: string;
  readonly subject: string;
  /** time_expire: after it Alipay's cashier refuses to pay; null when the request set none. */
  readonly expiresAt: Date | null;
}

const PAY_METHODS: ReadonlyMap<string, PayRequest['channel']> = new Map([
  ['alipay.trade.page.pay', 'page'],
  ['alipay.trade.wap.pay', 'wap'],
]);
const BEIJING_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The verified pay request, or the reason Alipay would refuse it. */
export function readPayRequest(appKey: KeyObject, appId: string, query: string): PayRequest | string {
  const params = Object.fromEntries(new URLSearchParams(query));
  if (!verifyMerchantRequest(params, appKey)) return 'invalid-signature 验签出错，请确认应用私钥与上传的应用公钥是否匹配';
  if (params.app_id !== appId) return `invalid-app-id 应用 ${params.app_id ?? ''} 不存在`;
  const channel = PAY_METHODS.get(params.method ?? '');
  if (channel === undefined) return 'invalid-method 不支持的接口';
  if (!isWebUrl(params.return_url)) return 'missing-return-url 缺少 return_url，或它不是 http(s) 网址';
  let biz: unknown;
  try {
    biz = JSON.parse(params.biz_content ?? '');
  } catch {
    return 'invalid-biz-content biz_content 不是 JSON';
  }
  if (typeof biz !== 'object' || biz === null) return 'invalid-biz-content biz_content 不是 JSON 对象';
  const { out_trade_no: orderId, total_amount: amount, subject, time_expire: timeExpire } = biz as Record<string, unknown>;
  if (typeof orderId !== 'string' || typeof amount !== 'string' || typeof subject !== 'string')
    return 'missing-parameter 缺少订单号、金额或标题';
  // Alipay's own limits, which the trade table keeps too.
  if (!/^[\w-]{1,64}$/.test(orderId)) return 'invalid-parameter 订单号须为 1 到 64 位字母、数字、下划线或连字符';
  if (!isYuanAmount(amount)) return 'invalid-parameter 金额须在 0.01 到 99999999.99 元之间';
  if (subject === '' || subject.length > 256) return 'invalid-parameter 标题须为 1 到 256 个字';
  const expiresAt = timeExpire === undefined ? null : beijingInstant(timeExpire);
  if (expiresAt === undefined) return 'invalid-parameter time_expire 须为 yyyy-MM-dd HH:mm:ss（北京时间）';
  if (params.quit_url !== undefined && !isWebUrl(params.quit_url)) return 'invalid-parameter quit_url 不是 http(s) 网址';
  return { params, channel, orderId, amount, subject, expiresAt };
}

/** Where a browser may be sent back to: http or https only, never javascript: or data:. */
function isWebUrl(value: string | undefined): value is string {
  return value !== undefined && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

/** A Beijing `yyyy-MM-dd HH:mm:ss` as an instant, or undefined when it is not one. */
function beijingInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !BEIJING_TIMESTAMP.test(value)) return undefined;
  const at = new Date(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(at.getTime()) || beijingTimestamp(at) !== value ? undefined : at;
}
