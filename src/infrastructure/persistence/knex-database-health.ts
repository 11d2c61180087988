import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { DatabaseHealth } from '../../application/ports/database-health.ts';
import { INFRA } from '../tokens.ts';

@injectable()
export class KnexDatabaseHealth implements DatabaseHealth {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  async isUp(): Promise<boolean> {
    try {
      await this.knex.raw('select 1').timeout(3_000, { cancel: false });
      return true;
    } catch {
      return false;
    }
  }
}
