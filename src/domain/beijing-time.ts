// Alipay and Meiduo keep time in Beijing: UTC+8 all year, whatever the server's zone.
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as Alipay's timestamps and the admin view show it. */
export function beijingTimestamp(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** `yyyyMMddHHmmss` in Beijing time, as Meiduo's order ids begin. */
export function beijingDigits(at: Date): string {
  return beijingTimestamp(at).replace(/[-: ]/g, '');
}

/** 00:00 in Beijing of `day` (`yyyy-MM-dd`) plus `addDays`; an invalid Date when `day` is not in that shape. */
export function beijingMidnight(day: string, addDays = 0): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS + addDays * DAY_MS);
}

const ALIPAY_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?$/;

/** The instant of Alipay's Beijing `yyyy-MM-dd HH:mm:ss`, with or without `.SSS`; null unless it is a real one. */
export function alipayInstant(text: string): Date | null {
  const match = ALIPAY_TIME.exec(text);
  if (!match) return null;
  const [, day, time, ms = '0'] = match;
  const at = new Date(Date.parse(`${day}T${time}Z`) - OFFSET_MS + Number(ms.padEnd(3, '0')));
  // Date.parse would roll 2026-02-31 over into March: refuse what does not read back the same.
  return Number.isNaN(at.getTime()) || beijingTimestamp(at) !== `${day} ${time}` ? null : at;
}
