import { inject, injectable } from 'inversify';
import { checkNewPassword, checkOperatorName, checkOperatorRole, InvalidOperatorInput, type OperatorRole } from '../domain/operator.ts';
import type { Actor } from './actor.ts';
import type { FirstOperator } from './authenticate-operator.ts';
import type { AdminActionKind, AdminAudit } from './ports/admin-audit.ts';
import type { AdminSessions } from './ports/admin-sessions.ts';
import type { Clock } from './ports/clock.ts';
import type { OperatorAccounts } from './ports/operator-accounts.ts';
import type { Passwords } from './ports/passwords.ts';
import { TOKENS } from './tokens.ts';

/** One line of `admin list`. */
export interface OperatorListing {
  readonly name: string;
  readonly role: OperatorRole;
  readonly state: 'enabled' | 'disabled';
  /** The first operator lives in ADMIN_USER/ADMIN_PASSWORD, not in the database. */
  readonly source: 'configuration' | 'database';
  readonly createdAt: Date | null;
  readonly disabledAt: Date | null;
}

/**
 * Adds, re-keys and disables the back office's named accounts. A password no one chose is generated
 * and handed back once; only its hash is kept. Every change is audited and ends the account's sessions.
 */
@injectable()
export class ManageOperators {
  constructor(
    @inject(TOKENS.OperatorAccounts) private readonly accounts: OperatorAccounts,
    @inject(TOKENS.AdminSessions) private readonly sessions: AdminSessions,
    @inject(TOKENS.Passwords) private readonly passwords: Passwords,
    @inject(TOKENS.AdminAudit) private readonly audit: AdminAudit,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.FirstOperator) private readonly first: FirstOperator,
  ) {}

  /** The generated password, when none was given. @throws InvalidOperatorInput | StoreUnavailable */
  async add(name: string, role: string, chosen: string | null, by: Actor): Promise<{ generatedPassword: string | null }> {
    checkOperatorName(name);
    const checkedRole = checkOperatorRole(role);
    if (name === this.first.name) throw new InvalidOperatorInput(`${name} is the first operator (ADMIN_USER): choose another name`);
    const password = chosen === null ? this.passwords.generate() : checkNewPassword(chosen);
    const at = this.clock.now();
    // Sessions a former first operator of this name left behind must not come back as the new account.
    await this.sessions.endAllOf(name);
    if (!(await this.accounts.add({ name, role: checkedRole, passwordHash: await this.passwords.hash(password), at }))) {
      throw new InvalidOperatorInput(`account ${name} already exists (names are never reused, even when disabled)`);
    }
    await this.record('add_operator', name, checkedRole, by, at);
    return { generatedPassword: chosen === null ? password : null };
  }

  /** @throws InvalidOperatorInput | StoreUnavailable */
  async changePassword(name: string, chosen: string | null, by: Actor): Promise<{ generatedPassword: string | null }> {
    this.refuseFirst(name, 'its password is ADMIN_PASSWORD');
    const password = chosen === null ? this.passwords.generate() : checkNewPassword(chosen);
    const at = this.clock.now();
    if (!(await this.accounts.setPassword(name, await this.passwords.hash(password), at))) throw unknownAccount(name);
    await this.sessions.endAllOf(name);
    await this.record('change_password', name, '', by, at);
    return { generatedPassword: chosen === null ? password : null };
  }

  /** @throws InvalidOperatorInput | StoreUnavailable */
  async disable(name: string, by: Actor): Promise<void> {
    this.refuseFirst(name, 'it lives in the configuration: change ADMIN_PASSWORD and restart to lock it out');
    const at = this.clock.now();
    if (!(await this.accounts.disable(name, at))) throw unknownAccount(name);
    await this.sessions.endAllOf(name);
    await this.record('disable_operator', name, '', by, at);
  }

  async list(): Promise<OperatorListing[]> {
    const stored = await this.accounts.list();
    const first: OperatorListing = {
      name: this.first.name,
      role: 'operator',
      state: 'enabled',
      source: 'configuration',
      createdAt: null,
      disabledAt: null,
    };
    return [
      first,
      ...stored.map((account) => ({
        name: account.name,
        role: account.role,
        state: account.disabledAt === null ? ('enabled' as const) : ('disabled' as const),
        source: 'database' as const,
        createdAt: account.createdAt,
        disabledAt: account.disabledAt,
      })),
    ];
  }

  private refuseFirst(name: string, why: string): void {
    if (name === this.first.name) throw new InvalidOperatorInput(`${name} is the first operator (ADMIN_USER): ${why}`);
  }

  private record(action: AdminActionKind, target: string, detail: string, by: Actor, at: Date): Promise<void> {
    return this.audit.record({ at, actor: by.actor, remoteAddress: by.remoteAddress, action, target, detail });
  }
}

const unknownAccount = (name: string) => new InvalidOperatorInput(`there is no enabled account named ${JSON.stringify(name)}`);
