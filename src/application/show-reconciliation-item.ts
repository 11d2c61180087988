import { inject, injectable } from 'inversify';
import type { ReconciliationRun, ReconciliationStore, StoredItem } from './ports/reconciliation-store.ts';
import { checkDay } from './show-reconciliation-day.ts';
import { TOKENS } from './tokens.ts';

/** One item of a day's run, with everything kept of it: for a bill row naming no order of ours, all there is to see. */
@injectable()
export class ShowReconciliationItem {
  constructor(@inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore) {}

  /** null when the day's latest run has no item of this id (a re-run replaced it, say). @throws InvalidQuery | StoreUnavailable */
  async execute(date: string, id: string): Promise<{ run: ReconciliationRun; item: StoredItem } | null> {
    checkDay(date);
    const [run, item] = await Promise.all([this.store.run(date), this.store.item(date, id)]);
    return run === null || item === null ? null : { run, item };
  }
}
