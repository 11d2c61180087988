// Yuan with at most two decimals, signed: refund rows are negative. Ten digits hold any one trade.
const YUAN = /^(-?)(\d{1,10})(?:\.(\d{1,2}))?$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
// `2026年11月30日 00:00:00`, as the comment lines write the period.
const CHINESE_TIMESTAMP = /^(\d{4})年(\d{2})月(\d{2})日 (\d{2}):(\d{2}):(\d{2})$/;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** Integer fen of a yuan amount such as `88.80`, `-0.01` or `3798`; null when it is not one. */
export function fenOf(yuan: string): number | null {
  const match = YUAN.exec(yuan);
  if (!match) return null;
  const [, minus, whole, decimals = ''] = match;
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  return minus && fen !== 0 ? -fen : fen;
}

/** The instant of a Beijing `yyyy-MM-dd HH:mm:ss` (or `yyyy年MM月dd日 HH:mm:ss`); null unless it is a real one. */
export function beijingInstant(text: string): Date | null {
  const match = TIMESTAMP.exec(text) ?? CHINESE_TIMESTAMP.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  // Date.UTC would roll 2026-02-31 over into March and 24:00 into the next day: refuse what is not on the clock.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second) - BEIJING_OFFSET_MS);
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}
