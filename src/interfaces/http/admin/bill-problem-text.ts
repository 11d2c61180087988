import { type LineRule, lineInChinese, unquoted } from './log-line-text.ts';

// A bill line that could not be read is stored as `第 N 行：` and the bill parser's English reason
// (infrastructure/alipay/bill/bill-row.ts, bill-records.ts, bill-comments.ts): read here into Chinese.

const REASONS: readonly LineRule[] = [
  [/^(\d+) cells where the header names (\d+) columns$/, (m) => `有 ${m[1]} 个单元格，表头却有 ${m[2]} 列`],
  [/^no (.+)$/, (m) => `缺少${m[1]}`],
  [/^(.+?) (".*") is neither 交易 nor 退款$/, (m) => `${m[1]} ${unquoted(m[2]!)} 既不是交易也不是退款`],
  [/^(.+?) (".*") is not an amount$/, (m) => `${m[1]} ${unquoted(m[2]!)} 不是金额`],
  [/^(.+?) (\S+) on a (.+) row$/, (m) => `${m[3]}行的${m[1]}不应为 ${m[2]}`],
  [/^(.+?) (".*") is not a yyyy-MM-dd HH:mm:ss time$/, (m) => `${m[1]} ${unquoted(m[2]!)} 不是“年-月-日 时:分:秒”格式的时间`],
  [/^not one CSV row$/, () => '不是一行完整的 CSV'],
  [/^not a CSV row: .*$/, () => '不是有效的 CSV 行'],
  [/^the period (.+) – (.+) is not two Beijing times$/, (m) => `账单期间 ${m[1]} – ${m[2]} 不是两个北京时间`],
  [/^the total line (".*") states no count \(…笔\) and amount$/, (m) => `合计行 ${unquoted(m[1]!)} 没有写明笔数与金额`],
  [/^the bill states (#\S+) but no (#\S+)$/, (m) => `账单有 ${m[1]}，却没有 ${m[2]}`],
];

/** One unreadable bill line as the reconciliation page lists it. */
export function billProblemText(problem: string): string {
  const located = /^(?:第 (\d+) 行：|line (\d+): )(.*)$/s.exec(problem);
  if (located === null) return problem;
  return `第 ${located[1] ?? located[2]} 行：${lineInChinese(located[3]!, REASONS, '原文')}`;
}
