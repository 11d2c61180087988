import { inject, injectable } from 'inversify';
import { isCalendarDay } from '../domain/calendar-day.ts';
import { InvalidQuery } from './errors.ts';
import type { Page, PageRequest } from './ports/paging.ts';
import type { ItemFilter, ReconciliationRun, ReconciliationStore, StoredItem, UnfoundResolution } from './ports/reconciliation-store.ts';
import { TOKENS } from './tokens.ts';

export type { ItemFilter };

/** The most handled discrepancies a re-run no longer found that a day's page lists. */
export const UNFOUND_SHOWN = 100;

export interface ReconciliationDay {
  readonly run: ReconciliationRun;
  /** Every kind but matched first, then matched, each by order id. */
  readonly items: Page<StoredItem>;
  /** Discrepancies someone handled that the latest run of the day no longer found, oldest resolution first. */
  readonly unfound: readonly UnfoundResolution[];
  /** The day's discrepancies no one has handled yet. */
  readonly waiting: number;
}

/** @throws InvalidQuery unless `date` is a real day written yyyy-MM-dd */
export function checkDay(date: string): void {
  if (!isCalendarDay(date)) throw new InvalidQuery('date', 'the date must be a real day written yyyy-MM-dd');
}

@injectable()
export class ShowReconciliationDay {
  constructor(@inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore) {}

  /** One day's run and a page of its items; null when the day was never reconciled. @throws InvalidQuery | StoreUnavailable */
  async execute(date: string, filter: ItemFilter, request: PageRequest): Promise<ReconciliationDay | null> {
    checkDay(date);
    const [run, items, unfound, waiting] = await Promise.all([
      this.store.run(date),
      this.store.items(date, request, filter),
      this.store.unfound(date, UNFOUND_SHOWN),
      this.store.waiting(),
    ]);
    if (run === null) return null;
    return { run, items, unfound, waiting: waiting.days.find((day) => day.date === date)?.count ?? 0 };
  }
}
