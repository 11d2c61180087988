/** An amount of yuan as every admin page prints it: ¥1,234.00, and a refund (negative) as −¥12.30. */
export function yuanText(amount: string): string {
  const parts = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  // Not an amount we wrote: shown as it is rather than guessed at.
  if (parts === null) return amount;
  const [, minus, whole = '0', fraction = ''] = parts;
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+$)/g, ',');
  const cents = fraction.padEnd(2, '0');
  // U+2212, the minus sign, not a hyphen: it reads as one and lines up with the ¥.
  const negative = minus === '-' && /[1-9]/.test(whole + cents);
  return `${negative ? '\u2212' : ''}¥${grouped}.${cents}`;
}

/** Signed fen as yuan with two decimals, as a spreadsheet reads it: "-188.00" (the CSV's numbers). */
export function plainYuan(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Signed fen as a page prints it. */
export const fenText = (fen: number): string => yuanText(plainYuan(fen));
