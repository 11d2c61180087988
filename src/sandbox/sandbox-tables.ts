import type { Knex } from 'knex';

// unique_violation, duplicate_object, duplicate_table: another process created it between our IF NOT EXISTS and our CREATE.
const CREATED_ELSEWHERE = new Set(['23505', '42710', '42P07']);

/**
 * Runs `CREATE … IF NOT EXISTS` statements once per instance: the sandbox's tables are not migrations,
 * they exist only where the sandbox has been used, never in production. A failure is retried on next use.
 */
export class SandboxTables {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly knex: Knex,
    private readonly statements: readonly string[],
  ) {}

  ensure(): Promise<void> {
    this.ready ??= this.create().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async create(): Promise<void> {
    for (const statement of this.statements) {
      try {
        await this.knex.raw(statement);
      } catch (error) {
        if (!CREATED_ELSEWHERE.has(String((error as { code?: unknown }).code))) throw error;
        await this.knex.raw(statement);
      }
    }
  }
}
