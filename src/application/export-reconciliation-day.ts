import { inject, injectable } from 'inversify';
import type { ReconciliationRun, ReconciliationStore, StoredItem } from './ports/reconciliation-store.ts';
import { checkDay, type ItemFilter } from './show-reconciliation-day.ts';
import { TOKENS } from './tokens.ts';

const EXPORT_BATCH = 1_000;

@injectable()
export class ExportReconciliationDay {
  constructor(@inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore) {}

  /**
   * The day's run and every item matching the filter, in the listing's order, fetched in batches so that
   * memory stays flat; null when the day was never reconciled. @throws InvalidQuery | StoreUnavailable
   */
  async execute(date: string, filter: ItemFilter): Promise<{ run: ReconciliationRun; items: AsyncIterable<StoredItem> } | null> {
    checkDay(date);
    const run = await this.store.run(date);
    return run === null ? null : { run, items: this.items(date, filter) };
  }

  private async *items(date: string, filter: ItemFilter): AsyncIterable<StoredItem> {
    let after: string | undefined;
    do {
      const page = await this.store.items(date, { after, limit: EXPORT_BATCH }, filter);
      yield* page.rows;
      after = page.next ?? undefined;
    } while (after);
  }
}
