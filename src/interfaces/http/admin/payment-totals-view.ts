import type { PaymentTotals } from '../../../application/ports/payment-ledger.ts';

/** The totals as the payments page prints them: counts grouped by thousands, amounts in yuan. */
export function totalsView(totals: PaymentTotals | null) {
  if (totals === null) return null;
  const { count, atLeast, days } = totals;
  return {
    count: atLeast ? `超过 ${count.toLocaleString('en-US')}` : count.toLocaleString('en-US'),
    days: days.map((day) => ({ day: day.day, count: day.count.toLocaleString('en-US'), amount: `¥${groupYuan(day.amount)}` })),
  };
}

/** 1234567.80 → 1,234,567.80, exactly: the amount stays the string the database summed. */
function groupYuan(amount: string): string {
  const [whole = '0', fraction = '00'] = amount.split('.');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction}`;
}
