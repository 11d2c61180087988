import { inject, injectable } from 'inversify';
import type { Page, PageRequest } from './ports/paging.ts';
import type { RejectionFilter, RejectionLog, RejectionRecord } from './ports/rejection-log.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ListRejections {
  constructor(@inject(TOKENS.RejectionLog) private readonly rejections: RejectionLog) {}

  /** @throws InvalidQuery | StoreUnavailable */
  execute(filter: RejectionFilter, request: PageRequest): Promise<Page<RejectionRecord>> {
    return this.rejections.page(filter, request);
  }
}
