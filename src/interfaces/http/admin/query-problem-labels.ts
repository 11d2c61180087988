import type { InvalidQuery } from '../../../application/errors.ts';
import { MAX_LIMIT } from './admin-filters.ts';

/** Each parameter of the admin's addresses as the form or the page names it. */
const PARAMETER_LABELS: Readonly<Record<string, string>> = {
  q: '订单号或交易号',
  state: '支付状态',
  from: '起始日期',
  to: '截止日期',
  limit: '每页',
  after: '翻页位置',
  before: '翻页位置',
  cursor: '翻页位置',
  channel: '渠道',
  reason: '原因',
  kind: '类型',
  order_id: '订单号',
  date: '账单日期',
};

/** What each parameter takes, said to someone who typed or edited the address. */
const RULES: Readonly<Record<string, string>> = {
  q: '最多 100 个字符，且不能含有控制字符（如 %00）。',
  state: '只能是“全部”“已入账”“待核对”或“已处理”，请从下拉列表中选择。',
  from: '须是真实存在的日期，写成 2026-11-26 这样的格式。',
  to: '须是真实存在的日期，写成 2026-11-26 这样的格式。',
  limit: `须是 1 到 ${MAX_LIMIT} 之间的整数。`,
  after: '链接中的翻页位置无效（可能已过期或被改动），请从第一页重新翻页。',
  before: '链接中的翻页位置无效（可能已过期或被改动），请从第一页重新翻页。',
  cursor: '链接中的翻页位置无效（可能已过期或被改动），请从第一页重新翻页。',
  channel: '只能从下拉列表中选择。',
  reason: '只能从下拉列表中选择。',
  kind: '只能从下拉列表中选择。',
  order_id: '须是 1 到 64 位字母、数字、下划线或连字符。',
  date: '须是真实存在的日期，写成 2026-11-30 这样的格式。',
};

/** The parameter's name on the page. */
export const parameterLabel = (parameter: string): string => PARAMETER_LABELS[parameter] ?? parameter;

/** The problem in Chinese: what the parameter takes, or what went wrong with it. */
export function queryProblemText(error: InvalidQuery): string {
  const label = parameterLabel(error.parameter);
  if (error.problem === 'repeated') return `地址中“${label}”出现了不止一次，只能给一个值。`;
  if (error.problem === 'reversed') return '截止日期早于起始日期：这样的日期范围里不会有任何记录。请交换两个日期，或重新选择。';
  return `“${label}”${RULES[error.parameter] ?? '的值无法使用。'}`;
}
