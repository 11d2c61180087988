import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { ClaimStatus, DailyClaims } from '../../application/ports/daily-claims.ts';
import { INFRA } from '../tokens.ts';
import { guarded } from './store-errors.ts';

/**
 * tb_daily_claim. The claim is one upsert: of two processes inserting at once, the second waits for
 * the first to commit, then finds an unexpired claim and takes nothing.
 */
@injectable()
export class KnexDailyClaims implements DailyClaims {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  claim(job: string, day: string, now: Date, until: Date): Promise<boolean> {
    return guarded(async () => {
      const { rows } = await this.knex.raw<{ rows: unknown[] }>(
        `INSERT INTO tb_daily_claim (job, day, lease_until, done) VALUES (?, ?, ?, false)
         ON CONFLICT (job, day) DO UPDATE SET lease_until = excluded.lease_until
         WHERE NOT tb_daily_claim.done AND tb_daily_claim.lease_until <= ?
         RETURNING job`,
        [job, day, until, now],
      );
      return rows.length === 1;
    });
  }

  renew(job: string, day: string, now: Date, until: Date): Promise<boolean> {
    return guarded(async () => {
      const renewed = await this.knex('tb_daily_claim')
        .where({ job, day, done: false })
        .where('lease_until', '>', now)
        .update({ lease_until: until });
      return renewed === 1;
    });
  }

  status(job: string, day: string, now: Date): Promise<ClaimStatus> {
    return guarded(async () => {
      const row: { done: boolean; lease_until: Date } | undefined = await this.knex('tb_daily_claim')
        .select('done', 'lease_until')
        .where({ job, day })
        .first();
      if (row === undefined) return 'unclaimed';
      return row.done ? 'done' : row.lease_until > now ? 'held' : 'lapsed';
    });
  }

  finish(job: string, day: string): Promise<void> {
    return guarded(async () => {
      await this.knex.raw(
        `INSERT INTO tb_daily_claim (job, day, lease_until, done) VALUES (?, ?, now(), true)
         ON CONFLICT (job, day) DO UPDATE SET done = true`,
        [job, day],
      );
    });
  }
}
