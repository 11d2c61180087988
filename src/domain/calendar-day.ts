const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether `day` is a real calendar day written `yyyy-MM-dd`, years 0001 to 9999: a Beijing day as bills,
 * runs and the admin name them. Date rolls 02-31 over to 03-03, so a real day is one it prints back unchanged.
 */
export function isCalendarDay(day: string): boolean {
  if (!DAY.test(day) || day.startsWith('0000')) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}
