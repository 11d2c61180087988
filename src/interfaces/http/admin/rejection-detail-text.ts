import { REVIEW_REASON_LABELS } from '../middleware/error-responses.ts';
import { type LineRule, lineInChinese, unquoted } from './log-line-text.ts';
import { SOURCE_LABELS } from './source-labels.ts';

// A refusal's detail is the English message of the error that refused it (confirm-alipay-payment.ts, the
// callback parser, trade-status.ts): it stays so in the log and the table, and is read here into Chinese.

const FIELD_LABELS: Readonly<Record<string, string>> = { app_id: '应用 ID（app_id）', seller_id: '卖家 ID（seller_id）' };

const WRONG_CHANNEL: readonly LineRule[] = [
  [/^notify_type (".*") is not (\S+)$/, (m) => `notify_type 为 ${unquoted(m[1]!)}，应为 ${m[2]}`],
  [/^method (".*") is not (.+)$/, (m) => `method 为 ${unquoted(m[1]!)}，应为 ${m[2]!.replace(' or ', ' 或 ')}`],
  [/^a return carries no notify_type$/, () => '同步返回不应带 notify_type'],
  [/^a return carries no refund fields$/, () => '同步返回不应带退款字段'],
  [/^trade_status (".*") reports no payment$/, (m) => `交易状态 ${unquoted(m[1]!)} 并不表示已付款`],
];

const SIGNATURE: readonly LineRule[] = [
  [/^no sign$/, () => '没有签名'],
  [/^does not verify$/, () => '签名与报文内容不符'],
  [/^sign_type (".*") is not (\S+)$/, (m) => `签名类型 ${unquoted(m[1]!)} 不是本商户使用的 ${m[2]}`],
];

const DETAILS: readonly LineRule[] = [
  [/^invalid signature: (.*?)(?: \([a-z_]+\))?$/, (m) => `签名无效：${lineInChinese(m[1]!, SIGNATURE, '原因')}`],
  [/^accepted after repair: [a-z_]+$/, () => '修复传输中的损坏后验签通过，已接受（见签名诊断）'],
  [/^(app_id|seller_id) (".*") is not ours$/, (m) => `${FIELD_LABELS[m[1]!]} ${unquoted(m[2]!)} 不是本商户的`],
  [
    /^not a (return|notify|query): (.*)$/,
    (m) => `不是${SOURCE_LABELS[m[1] as keyof typeof SOURCE_LABELS]}应有的消息：${lineInChinese(m[2]!, WRONG_CHANNEL, '原因')}`,
  ],
  [/^no order (.*)$/, (m) => `本店没有订单 ${m[1]}`],
  [/^charset (".*") is not supported$/, (m) => `不支持字符集 ${unquoted(m[1]!)}`],
  [/^parameter (".*") appears twice$/, (m) => `参数 ${unquoted(m[1]!)} 出现了两次`],
  [/^a % escape is not followed by two hex digits$/, () => '百分号编码（%）后面不是两位十六进制数'],
  [/^(\w+) is longer than (\d+) characters or holds control characters$/, (m) => `${m[1]} 超过 ${m[2]} 个字符或含有控制字符`],
  [/^total_amount (".*") is not an amount$/, (m) => `total_amount ${unquoted(m[1]!)} 不是金额`],
  [
    /^out_trade_no, trade_no and total_amount are required to record a payment$/,
    () => '缺少 out_trade_no、trade_no 或 total_amount，无法记录支付',
  ],
  [/^parameter name (".*") holds '&' or '='$/, (m) => `参数名 ${unquoted(m[1]!)} 含有“&”或“=”`],
  [/^parameter (".*") holds '&name=': .*$/, (m) => `参数 ${unquoted(m[1]!)} 的值里藏着“&参数名=”，签名内容会被读成别的参数`],
];

/** A refusal's detail, or an error message of the same kinds, as staff read it. */
export function rejectionDetailText(detail: string): string {
  return lineInChinese(detail, DETAILS, '原文');
}

/** The same rules, for event summaries that quote such an error. */
export const ERROR_MESSAGE_RULES = DETAILS;

export const reviewReasonLabel = (code: string) => REVIEW_REASON_LABELS[code as keyof typeof REVIEW_REASON_LABELS] ?? code;

const REPLAYED: Readonly<Record<string, string>> = { recorded: '已记录支付', duplicate: '此前已记录', ignored: '不是新的支付，未做处理' };

const REPLAY_DETAILS: readonly LineRule[] = [
  [/^(recorded|duplicate|ignored)$/, (m) => REPLAYED[m[1]!]!],
  [/^(recorded|duplicate|ignored) after repair: [a-z_]+$/, (m) => `修复传输中的损坏后验签通过：${REPLAYED[m[1]!]}`],
  [/^PAYMENT_NEEDS_REVIEW: .* needs review: ([A-Z_]+)$/, (m) => `已记录支付，留待人工核对：${reviewReasonLabel(m[1]!)}`],
  [/^TRADE_NO_CONFLICT: .* is recorded for order (\S+)$/, (m) => `已记录支付，留待人工核对：该交易号已记在订单 ${m[1]} 下`],
  [/^[A-Z_]+: (.*)$/s, (m) => `仍被拒绝：${rejectionDetailText(m[1]!)}`],
];

/** What a replay did (replay-refused-callbacks.ts writes it in English), as staff read it. */
export function replayDetailText(detail: string): string {
  return lineInChinese(detail, REPLAY_DETAILS, '原文');
}
