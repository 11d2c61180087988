import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { AdminSessions } from '../../src/application/ports/admin-sessions.ts';
import type { OperatorAccounts } from '../../src/application/ports/operator-accounts.ts';
import { fromTestNow, TEST_NOW } from '../support/clock.ts';

export interface OperatorStoresHarness {
  readonly name: string;
  /** Empty stores, both on the same database. */
  create(): Promise<{ accounts: OperatorAccounts; sessions: AdminSessions }>;
  /** What the sessions table holds, when the store has one to look into: never a token itself. */
  storedSessionKeys?(): Promise<string[]>;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const LIMITS = { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE };
const account = (name: string, role: 'operator' | 'viewer' = 'operator') => ({ name, role, passwordHash: `hash-of-${name}`, at: TEST_NOW });

export function describeOperatorStoresContract(harness: OperatorStoresHarness): void {
  describe(`OperatorAccounts and AdminSessions contract: ${harness.name}`, () => {
    let accounts: OperatorAccounts;
    let sessions: AdminSessions;
    beforeEach(async () => {
      ({ accounts, sessions } = await harness.create());
    });
    after(() => harness.close());

    it('adds an account once, finds it by its exact name and lists accounts by name', async () => {
      assert.equal(await accounts.add(account('zoe', 'viewer')), true);
      assert.equal(await accounts.add(account('amy')), true);
      assert.equal(await accounts.add({ ...account('amy', 'viewer'), passwordHash: 'other' }), false, 'a name is taken once');
      assert.deepEqual(await accounts.find('amy'), {
        name: 'amy',
        role: 'operator',
        passwordHash: 'hash-of-amy',
        createdAt: TEST_NOW,
        disabledAt: null,
      });
      assert.equal(await accounts.find('nobody'), null);
      assert.equal(await accounts.find(`amy${'x'.repeat(40)}`), null, 'a longer name is not cut down to an account');
      assert.deepEqual(
        (await accounts.list()).map((a) => [a.name, a.role]),
        [
          ['amy', 'operator'],
          ['zoe', 'viewer'],
        ],
      );
    });

    it('changes the password and disables only an enabled account, and keeps a disabled name taken', async () => {
      await accounts.add(account('amy'));
      assert.equal(await accounts.setPassword('amy', 'new-hash', fromTestNow(MINUTE)), true);
      assert.equal((await accounts.find('amy'))?.passwordHash, 'new-hash');
      assert.equal(await accounts.disable('amy', fromTestNow(2 * MINUTE)), true);
      assert.deepEqual((await accounts.find('amy'))?.disabledAt, fromTestNow(2 * MINUTE));
      assert.equal(await accounts.disable('amy', fromTestNow(3 * MINUTE)), false, 'once');
      assert.equal(await accounts.setPassword('amy', 'again', fromTestNow(3 * MINUTE)), false, 'a disabled account gets no new password');
      assert.equal(await accounts.setPassword('nobody', 'x', TEST_NOW), false);
      assert.equal(await accounts.add(account('amy')), false, 'a disabled name is never reused');
    });

    it('lets exactly one of many adds of the same name in', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => accounts.add(account('race'))));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('resumes a live session, moving its idle expiry on, and never one past either limit', async () => {
      const token = await sessions.start('amy', TEST_NOW);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(await sessions.resume(token, fromTestNow(29 * MINUTE), LIMITS), 'amy');
      assert.equal(await sessions.resume(token, fromTestNow(58 * MINUTE), LIMITS), 'amy', 'each request moves the idle limit on');
      assert.equal(await sessions.resume(token, fromTestNow(88 * MINUTE + 1), LIMITS), null, 'idle for over 30 minutes');
      assert.equal(await sessions.resume(token, fromTestNow(89 * MINUTE), LIMITS), null, 'an expired session is gone');

      const busy = await sessions.start('amy', TEST_NOW);
      for (let minute = 25; minute < 12 * 60; minute += 25)
        assert.equal(await sessions.resume(busy, fromTestNow(minute * MINUTE), LIMITS), 'amy');
      assert.equal(await sessions.resume(busy, fromTestNow(12 * 60 * MINUTE), LIMITS), null, 'twelve hours at most, however busy');
      assert.equal(await sessions.resume('x'.repeat(43), TEST_NOW, LIMITS), null);
    });

    it('ends one session, or every session of an account', async () => {
      const first = await sessions.start('amy', TEST_NOW);
      const second = await sessions.start('amy', TEST_NOW);
      const other = await sessions.start('bob', TEST_NOW);
      assert.notEqual(first, second);
      await sessions.end(first);
      assert.equal(await sessions.resume(first, TEST_NOW, LIMITS), null);
      assert.equal(await sessions.resume(second, TEST_NOW, LIMITS), 'amy');
      await sessions.endAllOf('amy');
      assert.equal(await sessions.resume(second, TEST_NOW, LIMITS), null);
      assert.equal(await sessions.resume(other, TEST_NOW, LIMITS), 'bob');
    });

    it('removes every expired session at once, and only those', async () => {
      const limits = { idleMs: 30 * MINUTE, absoluteMs: 60 * MINUTE };
      const idle = await sessions.start('amy', TEST_NOW);
      const live = await sessions.start('amy', fromTestNow(10 * MINUTE));
      const old = await sessions.start('bob', fromTestNow(-40 * MINUTE));
      assert.equal(await sessions.resume(old, fromTestNow(-15 * MINUTE), limits), 'bob');
      assert.equal(await sessions.resume(old, fromTestNow(10 * MINUTE), limits), 'bob', 'busy, 50 minutes old');
      await sessions.endExpired(fromTestNow(31 * MINUTE), limits);
      // Asked about an instant before the sweep, a session still kept would answer: these are gone.
      assert.equal(await sessions.resume(idle, fromTestNow(MINUTE), limits), null, 'idle for 31 minutes at the sweep');
      assert.equal(await sessions.resume(old, fromTestNow(11 * MINUTE), limits), null, '71 minutes old at the sweep');
      assert.equal(await sessions.resume(live, fromTestNow(32 * MINUTE), limits), 'amy');
    });

    if (harness.storedSessionKeys) {
      it('keeps only a digest of each token', async () => {
        const token = await sessions.start('amy', TEST_NOW);
        const kept = await harness.storedSessionKeys!();
        assert.equal(kept.length, 1);
        assert.ok(!kept[0]!.includes(token) && kept[0]!.length === 64);
      });
    }
  });
}
