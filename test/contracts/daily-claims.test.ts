import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { DailyClaims } from '../../src/application/ports/daily-claims.ts';
import { InMemoryDailyClaims } from '../../src/infrastructure/in-memory/in-memory-daily-claims.ts';
import { KnexDailyClaims } from '../../src/infrastructure/persistence/knex-daily-claims.ts';
import { databaseHarnesses, type TestDatabase } from '../support/databases.ts';

const T0 = new Date('2026-12-01T02:30:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function describeDailyClaimsContract(name: string, create: () => Promise<DailyClaims>, close: () => Promise<void>): void {
  describe(`DailyClaims contract: ${name}`, () => {
    let claims: DailyClaims;
    beforeEach(async () => {
      claims = await create();
    });
    after(close);

    it('gives a day to one claimant until its lease ends, then to the next', async () => {
      assert.equal(await claims.claim('reconcile', '2026-11-30', T0, later(30)), true);
      assert.equal(await claims.claim('reconcile', '2026-11-30', later(29), later(59)), false, 'held');
      assert.equal(await claims.claim('reconcile', '2026-11-30', later(30), later(60)), true, 'the lease ran out');
      assert.equal(await claims.claim('reconcile', '2026-11-29', T0, later(30)), true, 'another day');
      assert.equal(await claims.claim('other-job', '2026-11-30', T0, later(30)), true, 'another job');
    });

    it('never gives a finished day again', async () => {
      assert.equal(await claims.claim('reconcile', '2026-11-30', T0, later(30)), true);
      await claims.finish('reconcile', '2026-11-30');
      assert.equal(await claims.claim('reconcile', '2026-11-30', later(1000), later(1030)), false);
    });

    it('renews a claim still held, so that nobody takes the day meanwhile; never an expired or finished one', async () => {
      assert.equal(await claims.claim('reconcile', '2026-11-30', T0, later(30)), true);
      assert.equal(await claims.renew('reconcile', '2026-11-30', later(25), later(55)), true);
      assert.equal(await claims.claim('reconcile', '2026-11-30', later(40), later(70)), false, 'held past the first lease');
      assert.equal(await claims.claim('reconcile', '2026-11-30', later(55), later(85)), true, 'the renewed lease ran out');
      assert.equal(await claims.renew('reconcile', '2026-11-29', T0, later(30)), false, 'never claimed');
      assert.equal(await claims.claim('reconcile', '2026-11-28', T0, later(30)), true);
      assert.equal(await claims.renew('reconcile', '2026-11-28', later(30), later(60)), false, 'expired: another may have it');
      await claims.finish('reconcile', '2026-11-30');
      assert.equal(await claims.renew('reconcile', '2026-11-30', later(56), later(90)), false, 'finished');
    });

    it('tells a day never claimed, held, lapsed and done apart', async () => {
      assert.equal(await claims.status('reconcile', '2026-11-27', T0), 'unclaimed');
      await claims.claim('reconcile', '2026-11-27', T0, later(30));
      assert.equal(await claims.status('reconcile', '2026-11-27', later(29)), 'held');
      assert.equal(await claims.status('reconcile', '2026-11-27', later(30)), 'lapsed', 'its lease ran out, not done');
      assert.equal(await claims.status('reconcile', '2026-11-26', T0), 'unclaimed', 'that day only');
      assert.equal(await claims.status('other-job', '2026-11-27', T0), 'unclaimed', 'that job only');
      await claims.finish('reconcile', '2026-11-27');
      assert.equal(await claims.status('reconcile', '2026-11-27', later(40)), 'done');
    });

    it('of twenty claimants at once, gives the day to exactly one', async () => {
      const won = await Promise.all(Array.from({ length: 20 }, () => claims.claim('reconcile', '2026-11-28', T0, later(30))));
      assert.equal(won.filter(Boolean).length, 1);
    });
  });
}

describeDailyClaimsContract(
  'in-memory',
  async () => new InMemoryDailyClaims(),
  async () => {},
);
for (const harness of databaseHarnesses) {
  let db: TestDatabase | undefined;
  describeDailyClaimsContract(
    `knex on ${harness.name}`,
    async () => {
      db ??= await harness.open();
      await db.truncate();
      return new KnexDailyClaims(db.knex);
    },
    async () => db?.close(),
  );
}
