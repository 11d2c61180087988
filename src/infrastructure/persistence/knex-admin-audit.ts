import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { AdminAction, AdminActionKind, AdminAudit } from '../../application/ports/admin-audit.ts';
import { INFRA } from '../tokens.ts';
import { fit } from './column-text.ts';
import { guarded } from './store-errors.ts';

interface AuditRow {
  create_time: Date;
  actor: string;
  remote_address: string;
  action: string;
  target: string;
  detail: string;
}

/** tb_admin_audit's row for an action; for writes that keep their audit row in their own transaction too. */
export function auditRow(action: AdminAction): AuditRow {
  return {
    create_time: action.at,
    actor: fit(action.actor, 64),
    remote_address: fit(action.remoteAddress, 64),
    action: action.action,
    target: fit(action.target, 200),
    detail: fit(action.detail, 1000),
  };
}

@injectable()
export class KnexAdminAudit implements AdminAudit {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  record(action: AdminAction): Promise<void> {
    return guarded(async () => {
      await this.knex('tb_admin_audit').insert(auditRow(action));
    });
  }

  recent(limit: number): Promise<AdminAction[]> {
    return guarded(async () => {
      const rows: AuditRow[] = await this.knex('tb_admin_audit').orderBy('id', 'desc').limit(limit);
      return rows.map((row) => ({
        at: row.create_time,
        actor: row.actor,
        remoteAddress: row.remote_address,
        action: row.action as AdminActionKind,
        target: row.target,
        detail: row.detail,
      }));
    });
  }
}
