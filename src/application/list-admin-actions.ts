import { inject, injectable } from 'inversify';
import type { AdminAction, AdminAudit } from './ports/admin-audit.ts';
import { TOKENS } from './tokens.ts';

export const ADMIN_ACTIONS_SHOWN = 200;

/** The audit trail of admin writes, newest first. */
@injectable()
export class ListAdminActions {
  constructor(@inject(TOKENS.AdminAudit) private readonly audit: AdminAudit) {}

  /** @throws StoreUnavailable */
  execute(): Promise<AdminAction[]> {
    return this.audit.recent(ADMIN_ACTIONS_SHOWN);
  }
}
