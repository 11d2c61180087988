import type { PaymentSum, PaymentTotals } from '../../../application/ports/payment-ledger.ts';
import { yuanText } from './amount.ts';

/** The totals as the payments page prints them: counts grouped by thousands, amounts as every admin page writes them. */
export function totalsView(totals: PaymentTotals | null) {
  if (totals === null) return null;
  const { count, atLeast, days } = totals;
  return {
    count: atLeast ? `超过 ${grouped(count)}` : grouped(count),
    days: days.map((day) => ({ day: day.day, applied: sumView(day.applied), keptForReview: sumView(day.keptForReview) })),
  };
}

function sumView({ count, amount }: PaymentSum) {
  return { count: grouped(count), amount: yuanText(amount), none: count === 0 };
}

const grouped = (count: number) => count.toLocaleString('en-US');
