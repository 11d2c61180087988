import type { OperatorAccount, OperatorAccounts } from '../../application/ports/operator-accounts.ts';
import type { OperatorRole } from '../../domain/operator.ts';
import type { InMemoryStore } from './in-memory-store.ts';

export class InMemoryOperatorAccounts implements OperatorAccounts {
  constructor(private readonly store: InMemoryStore) {}

  private get accounts(): Map<string, OperatorAccount> {
    return this.store.operatorAccounts;
  }

  async add({ name, role, passwordHash, at }: { name: string; role: OperatorRole; passwordHash: string; at: Date }): Promise<boolean> {
    if (this.accounts.has(name)) return false;
    this.accounts.set(name, { name, role, passwordHash, createdAt: at, disabledAt: null });
    return true;
  }

  async find(name: string): Promise<OperatorAccount | null> {
    return this.accounts.get(name) ?? null;
  }

  async setPassword(name: string, passwordHash: string): Promise<boolean> {
    return this.change(name, { passwordHash });
  }

  async disable(name: string, at: Date): Promise<boolean> {
    return this.change(name, { disabledAt: at });
  }

  async list(): Promise<OperatorAccount[]> {
    return [...this.accounts.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  private change(name: string, change: Partial<OperatorAccount>): boolean {
    const account = this.accounts.get(name);
    if (account === undefined || account.disabledAt !== null) return false;
    this.accounts.set(name, { ...account, ...change });
    return true;
  }
}
