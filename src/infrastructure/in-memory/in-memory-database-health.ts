import type { DatabaseHealth } from '../../application/ports/database-health.ts';

/** Memory is always there to answer. */
export class InMemoryDatabaseHealth implements DatabaseHealth {
  async isUp(): Promise<boolean> {
    return true;
  }
}
