import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { RejectionLog, RejectionRecord } from './ports/rejection-log.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ListRejections {
  constructor(@inject(TOKENS.RejectionLog) private readonly rejections: RejectionLog) {}

  /** @throws InvalidQuery | StoreUnavailable */
  execute(filter: { q?: string }, request: PageRequest): Promise<Page<RejectionRecord>> {
    return this.rejections.page(filter, request);
  }
}
