import { inject, injectable } from 'inversify';
import { isCalendarDay } from '../domain/calendar-day.ts';
import type { ItemKind } from '../domain/reconciliation.ts';
import { InvalidQuery } from './errors.ts';
import type { Page, PageRequest } from './ports/paging.ts';
import type { ReconciliationItem, ReconciliationRun, ReconciliationStore } from './ports/reconciliation-store.ts';
import { TOKENS } from './tokens.ts';

export interface ItemFilter {
  readonly kind?: ItemKind;
}

export interface ReconciliationDay {
  readonly run: ReconciliationRun;
  /** Discrepancies first, then matched, each by order id. */
  readonly items: Page<ReconciliationItem>;
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
    const [run, items] = await Promise.all([this.store.run(date), this.store.items(date, request, filter)]);
    return run === null ? null : { run, items };
  }
}
