import { inject, injectable } from 'inversify';
import type { Operator } from '../domain/operator.ts';
import type { OperatorAccounts } from './ports/operator-accounts.ts';
import type { Passwords } from './ports/passwords.ts';
import { TOKENS } from './tokens.ts';

/** ADMIN_USER and its password: an operator that lives in the configuration, so that a new install can sign in at all. */
export interface FirstOperator {
  readonly name: string;
  readonly password: string;
}

/** Who a name and a password belong to: the first operator or an enabled stored account. */
@injectable()
export class AuthenticateOperator {
  private firstHash: Promise<string> | null = null;
  private decoyHash: Promise<string> | null = null;

  constructor(
    @inject(TOKENS.OperatorAccounts) private readonly accounts: OperatorAccounts,
    @inject(TOKENS.Passwords) private readonly passwords: Passwords,
    @inject(TOKENS.FirstOperator) private readonly first: FirstOperator,
  ) {}

  get firstOperatorName(): string {
    return this.first.name;
  }

  /** The operator, or null for a wrong password, an unknown or a disabled account. @throws StoreUnavailable */
  async withPassword(name: string, password: string): Promise<Operator | null> {
    if (name === this.first.name) {
      // Hashed once, then checked like any account: one code path, and the same cost whoever is asked for.
      this.firstHash ??= this.passwords.hash(this.first.password);
      return (await this.passwords.verify(password, await this.firstHash)) ? { name, role: 'operator' } : null;
    }
    const account = await this.accounts.find(name);
    if (account === null || account.disabledAt !== null) {
      // A guess at a name costs what a guess at a password does, so timing does not tell which names exist.
      this.decoyHash ??= this.passwords.hash(this.passwords.generate());
      await this.passwords.verify(password, await this.decoyHash);
      return null;
    }
    return (await this.passwords.verify(password, account.passwordHash)) ? { name: account.name, role: account.role } : null;
  }

  /** The operator a signed-in name stands for now (its role may have changed), or null once disabled. */
  async byName(name: string): Promise<Operator | null> {
    if (name === this.first.name) return { name, role: 'operator' };
    const account = await this.accounts.find(name);
    return account === null || account.disabledAt !== null ? null : { name: account.name, role: account.role };
  }
}
