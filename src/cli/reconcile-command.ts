import { parseArgs } from 'node:util';
import { shiftDay } from '../application/reconcile-day.ts';
import { isCalendarDay } from '../domain/calendar-day.ts';
import type { Refusal } from './refusal.ts';

const USAGE = 'usage: npm run reconcile -- [--date YYYY-MM-DD] [--json]';

/** `npm run reconcile -- …`'s command line on Beijing day `today` (yesterday unless --date), or what is wrong with it. */
export function readReconcileCommand(argv: readonly string[], today: string): { date: string; json: boolean } | Refusal {
  let values: { date?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { date: { type: 'string' }, json: { type: 'boolean' } }, strict: true }));
  } catch {
    return { refusal: USAGE };
  }
  const date = values.date ?? shiftDay(today, -1);
  if (!isCalendarDay(date)) {
    return { refusal: `reconcile: --date must be a day such as ${shiftDay(today, -1)} (got ${JSON.stringify(date)})` };
  }
  if (date > today) return { refusal: `reconcile: --date ${date} is in the future (today is ${today} in Beijing)` };
  return { date, json: values.json ?? false };
}
