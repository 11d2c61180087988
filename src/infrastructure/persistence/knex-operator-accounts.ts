import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { OperatorAccount, OperatorAccounts } from '../../application/ports/operator-accounts.ts';
import type { OperatorRole } from '../../domain/operator.ts';
import { INFRA } from '../tokens.ts';
import { fit } from './column-text.ts';
import { guarded } from './store-errors.ts';

interface AccountRow {
  name: string;
  role: OperatorRole;
  password_hash: string;
  create_time: Date;
  disabled_at: Date | null;
}

const account = (row: AccountRow): OperatorAccount => ({
  name: row.name,
  role: row.role,
  passwordHash: row.password_hash,
  createdAt: row.create_time,
  disabledAt: row.disabled_at,
});

@injectable()
export class KnexOperatorAccounts implements OperatorAccounts {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  add({ name, role, passwordHash, at }: { name: string; role: OperatorRole; passwordHash: string; at: Date }): Promise<boolean> {
    return guarded(async () => {
      const inserted = await this.knex('tb_admin_account')
        .insert({ name, role, password_hash: passwordHash, create_time: at, update_time: at })
        .onConflict('name')
        .ignore()
        .returning('name');
      return inserted.length === 1;
    });
  }

  find(name: string): Promise<OperatorAccount | null> {
    return guarded(async () => {
      const row: AccountRow | undefined = await this.knex('tb_admin_account')
        .where({ name: fit(name, 32) })
        .first();
      // The column is 32 wide: a longer name is no account, not the account its first 32 characters name.
      return row === undefined || row.name !== name ? null : account(row);
    });
  }

  setPassword(name: string, passwordHash: string, at: Date): Promise<boolean> {
    return guarded(async () => {
      const updated = await this.knex('tb_admin_account')
        .where({ name: fit(name, 32) })
        .whereNull('disabled_at')
        .update({ password_hash: passwordHash, update_time: at });
      return updated === 1;
    });
  }

  disable(name: string, at: Date): Promise<boolean> {
    return guarded(async () => {
      const updated = await this.knex('tb_admin_account')
        .where({ name: fit(name, 32) })
        .whereNull('disabled_at')
        .update({ disabled_at: at, update_time: at });
      return updated === 1;
    });
  }

  list(): Promise<OperatorAccount[]> {
    return guarded(async () => {
      const rows: AccountRow[] = await this.knex('tb_admin_account').orderBy('name');
      return rows.map(account);
    });
  }
}
