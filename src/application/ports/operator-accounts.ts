import type { Operator, OperatorRole } from '../../domain/operator.ts';

/** A stored account: its password only as a hash (see Passwords). */
export interface OperatorAccount extends Operator {
  readonly passwordHash: string;
  readonly createdAt: Date;
  /** When it was disabled; a disabled account signs in nowhere. */
  readonly disabledAt: Date | null;
}

/** The back office's named accounts (tb_admin_account). */
export interface OperatorAccounts {
  /** false when the name is taken (whatever the other account's state): names are never reused. */
  add(account: { readonly name: string; readonly role: OperatorRole; readonly passwordHash: string; readonly at: Date }): Promise<boolean>;
  find(name: string): Promise<OperatorAccount | null>;
  /** false when there is no such enabled account. */
  setPassword(name: string, passwordHash: string, at: Date): Promise<boolean>;
  /** false when there is no such enabled account. */
  disable(name: string, at: Date): Promise<boolean>;
  /** Every account, by name. */
  list(): Promise<OperatorAccount[]>;
}
