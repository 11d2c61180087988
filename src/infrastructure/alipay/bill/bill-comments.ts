import type { BillProblem, BillTotal, BillTotals } from '../../../application/ports/trade-bill.ts';
import { beijingInstant, fenOf } from './bill-values.ts';

/** A `#` line of the detail file and where it stands. */
export interface CommentLine {
  readonly line: number;
  readonly text: string;
}

export interface BillMetadata {
  readonly account: string | null;
  readonly period: { readonly from: Date; readonly to: Date } | null;
  readonly totals: BillTotals | null;
  readonly problems: readonly BillProblem[];
}

const ACCOUNT = /^#+\s*账号[：:]\s*\[?([^\]]*?)\]?\s*$/;
const PERIOD = /^#+\s*起始日期[：:]\s*\[([^\]]+)\]\s*终止日期[：:]\s*\[([^\]]+)\]/;
// `#交易合计：6笔，商家实收共0.06元，商家优惠共0.00元` in Alipay's files; older ones and other writers say
// `交易额（元）：…` or `交易金额共…元`. The count is the number before 笔, the amount the first number after it.
const TOTAL = /^#+\s*(交易|退款)合计[：:]\s*(.*)$/;
const COUNT_THEN_AMOUNT = /^(\d+)\s*笔[^-\d]*(-?\d+(?:\.\d{1,2})?)/;

/**
 * What the comment lines say: the account, the period, and the totals. A total line that does not read
 * is a problem, not an error: the rows are what the bill is for.
 */
export function metadataOf(comments: readonly CommentLine[]): BillMetadata {
  let account: string | null = null;
  let period: BillMetadata['period'] = null;
  const totals: Partial<Record<'trades' | 'refunds', BillTotal>> = {};
  const problems: BillProblem[] = [];
  let unreadTotal = false;
  for (const { line, text } of comments) {
    const trimmed = text.trim();
    const accountMatch = ACCOUNT.exec(trimmed);
    if (accountMatch) {
      account = accountMatch[1]!.trim() || null;
      continue;
    }
    const periodMatch = PERIOD.exec(trimmed);
    if (periodMatch) {
      const from = beijingInstant(periodMatch[1]!.trim());
      const to = beijingInstant(periodMatch[2]!.trim());
      if (from && to) period = { from, to };
      else problems.push({ line, reason: `the period ${periodMatch[1]} – ${periodMatch[2]} is not two Beijing times` });
      continue;
    }
    const totalMatch = TOTAL.exec(trimmed);
    if (!totalMatch) continue;
    const which = totalMatch[1] === '交易' ? 'trades' : 'refunds';
    const figures = COUNT_THEN_AMOUNT.exec(totalMatch[2]!.trim());
    const amountFen = figures ? fenOf(figures[2]!) : null;
    if (!figures || amountFen === null) {
      problems.push({ line, reason: `the total line ${JSON.stringify(trimmed)} states no count (…笔) and amount` });
      unreadTotal = true;
      continue;
    }
    totals[which] = { count: Number(figures[1]), amountFen };
  }
  const { trades, refunds } = totals;
  if (!unreadTotal && (trades === undefined) !== (refunds === undefined)) {
    const last = comments.at(-1)?.line ?? 0;
    problems.push({ line: last, reason: `the bill states ${trades ? '#交易合计 but no #退款合计' : '#退款合计 but no #交易合计'}` });
  }
  return { account, period, totals: trades && refunds ? { trades, refunds } : null, problems };
}
