import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { ReconciliationRun, ReconciliationStore } from './ports/reconciliation-store.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ListReconciliations {
  constructor(@inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore) {}

  /** The reconciled days, newest first. @throws InvalidQuery | StoreUnavailable */
  execute(request: PageRequest): Promise<Page<ReconciliationRun>> {
    return this.store.runs(request);
  }
}
