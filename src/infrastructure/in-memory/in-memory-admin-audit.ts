import type { AdminAction, AdminAudit } from '../../application/ports/admin-audit.ts';
import { fit } from '../persistence/column-text.ts';
import type { InMemoryStore } from './in-memory-store.ts';

export class InMemoryAdminAudit implements AdminAudit {
  constructor(private readonly store: InMemoryStore) {}

  async record(action: AdminAction): Promise<void> {
    this.store.adminActions.push({
      ...action,
      actor: fit(action.actor, 64),
      remoteAddress: fit(action.remoteAddress, 64),
      target: fit(action.target, 200),
      detail: fit(action.detail, 1000),
    });
  }

  async recent(limit: number): Promise<AdminAction[]> {
    return this.store.adminActions.slice(-limit).reverse();
  }
}
