import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { ReconciliationRun, ReconciliationStore } from './ports/reconciliation-store.ts';

export interface ReconciliationsListed {
  readonly page: Page<ReconciliationRun>;
  /** How many discrepancies of each day no one has handled yet; a day without any is absent. */
  readonly waiting: ReadonlyMap<string, number>;
}

import { TOKENS } from './tokens.ts';

@injectable()
export class ListReconciliations {
  constructor(@inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore) {}

  /** The reconciled days, newest first. @throws InvalidQuery | StoreUnavailable */
  async execute(request: PageRequest): Promise<ReconciliationsListed> {
    const [page, waiting] = await Promise.all([this.store.runs(request), this.store.waiting()]);
    return { page, waiting: new Map(waiting.days.map((day) => [day.date, day.count])) };
  }
}
