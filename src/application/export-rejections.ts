import { inject, injectable } from 'inversify';
import type { RejectionFilter, RejectionLog, RejectionRecord } from './ports/rejection-log.ts';
import { TOKENS } from './tokens.ts';

@injectable()
export class ExportRejections {
  constructor(@inject(TOKENS.RejectionLog) private readonly rejections: RejectionLog) {}

  /** Every rejection matching the filter, newest first, streamed. */
  execute(filter: RejectionFilter): AsyncIterable<RejectionRecord> {
    return this.rejections.all(filter);
  }
}
