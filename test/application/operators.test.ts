import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { AuthenticateOperator } from '../../src/application/authenticate-operator.ts';
import { ManageOperators } from '../../src/application/manage-operators.ts';
import { DEFAULT_SESSION_LIMITS, OperatorSessions } from '../../src/application/operator-sessions.ts';
import { InvalidOperatorInput } from '../../src/domain/operator.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryAdminSessions } from '../../src/infrastructure/in-memory/in-memory-admin-sessions.ts';
import { InMemoryOperatorAccounts } from '../../src/infrastructure/in-memory/in-memory-operator-accounts.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { ScryptPasswords } from '../../src/infrastructure/scrypt-passwords.ts';
import { type FixedClock, fixedClock } from '../support/clock.ts';

const FIRST = { name: 'admin', password: 'first-operator-secret' };
const CLI = { actor: 'cli:root', remoteAddress: 'command line' };

describe('operators: their accounts and their sessions', () => {
  let store: InMemoryStore;
  let clock: FixedClock;
  let manage: ManageOperators;
  let sessions: OperatorSessions;
  let adminSessions: InMemoryAdminSessions;
  beforeEach(() => {
    store = new InMemoryStore();
    clock = fixedClock();
    const accounts = new InMemoryOperatorAccounts(store);
    adminSessions = new InMemoryAdminSessions();
    const passwords = new ScryptPasswords();
    const audit = new InMemoryAdminAudit(store);
    const authenticate = new AuthenticateOperator(accounts, passwords, FIRST);
    manage = new ManageOperators(accounts, adminSessions, passwords, audit, clock, FIRST);
    sessions = new OperatorSessions(authenticate, adminSessions, audit, clock, DEFAULT_SESSION_LIMITS);
  });
  const actions = () => store.adminActions.map((a) => [a.actor, a.action, a.target, a.detail]);

  it('generates a password once when none is given, and it signs in; every change is audited', async () => {
    const { generatedPassword } = await manage.add('carol', 'operator', null, CLI);
    assert.match(generatedPassword ?? '', /^[A-Za-z0-9_-]{24}$/);
    assert.equal(await sessions.signIn('carol', 'not-the-password', 'ip'), null);
    const signedIn = await sessions.signIn('carol', generatedPassword!, '203.0.113.5');
    assert.deepEqual(signedIn?.operator, { name: 'carol', role: 'operator' });
    assert.equal(store.operatorAccounts.get('carol')?.passwordHash.includes(generatedPassword!), false);
    assert.deepEqual(actions(), [
      ['cli:root', 'add_operator', 'carol', 'operator'],
      ['carol', 'sign_in', 'carol', ''],
    ]);
  });

  it('keeps a chosen password, and refuses a taken name, a bad one and the first operator’s', async () => {
    assert.deepEqual(await manage.add('dave', 'viewer', 'a-long-password', CLI), { generatedPassword: null });
    assert.deepEqual((await sessions.signIn('dave', 'a-long-password', 'ip'))?.operator, { name: 'dave', role: 'viewer' });
    for (const [name, role, password] of [
      ['Dave', 'viewer', null],
      ['dave', 'viewer', null],
      ['admin', 'viewer', null],
    ] as const) {
      await assert.rejects(manage.add(name, role, password, CLI), InvalidOperatorInput, `${name} ${role} ${password}`);
    }
    await assert.rejects(manage.changePassword('admin', null, CLI), /ADMIN_PASSWORD/);
    await assert.rejects(manage.disable('admin', CLI), /ADMIN_USER/);
  });

  it('takes a chosen new password, and refuses a password or a disable for an account that is not there', async () => {
    await manage.add('carol', 'viewer', 'carol-password-1', CLI);
    assert.deepEqual(await manage.changePassword('carol', 'carol-password-2', CLI), { generatedPassword: null });
    assert.deepEqual((await sessions.signIn('carol', 'carol-password-2', 'ip'))?.operator, { name: 'carol', role: 'viewer' });
    await assert.rejects(manage.changePassword('carol', 'short', CLI), /at least 12 characters/);
    await assert.rejects(manage.changePassword('nobody', null, CLI), /no enabled account named "nobody"/);
    await assert.rejects(manage.disable('nobody', CLI), /no enabled account named "nobody"/);
    assert.deepEqual(
      actions().map(([, action, target]) => [action, target]),
      [
        ['add_operator', 'carol'],
        ['change_password', 'carol'],
        ['sign_in', 'carol'],
      ],
    );
  });

  it('signs the first operator in from the configuration', async () => {
    assert.deepEqual((await sessions.signIn('admin', FIRST.password, 'ip'))?.operator, { name: 'admin', role: 'operator' });
    assert.equal(await sessions.signIn('admin', 'wrong', 'ip'), null);
    assert.deepEqual(
      (await manage.list()).map((a) => [a.name, a.source]),
      [['admin', 'configuration']],
    );
  });

  it('signs every browser of an account out when its password changes or it is disabled', async () => {
    await manage.add('carol', 'operator', 'carol-password-1', CLI);
    const first = await sessions.signIn('carol', 'carol-password-1', 'ip');
    assert.deepEqual(await sessions.resume(first!.token), { name: 'carol', role: 'operator' });
    const { generatedPassword } = await manage.changePassword('carol', null, CLI);
    assert.equal(await sessions.resume(first!.token), null);
    assert.equal(await sessions.signIn('carol', 'carol-password-1', 'ip'), null, 'the old password no longer works');
    const second = await sessions.signIn('carol', generatedPassword!, 'ip');
    await manage.disable('carol', CLI);
    assert.equal(await sessions.resume(second!.token), null);
    assert.equal(await sessions.signIn('carol', generatedPassword!, 'ip'), null);
    assert.deepEqual(
      (await manage.list()).map((a) => [a.name, a.state]),
      [
        ['admin', 'enabled'],
        ['carol', 'disabled'],
      ],
    );
  });

  it('signs the first operator’s browsers out at each start, and a new account never inherits a session of its name', async () => {
    const first = await sessions.signIn('admin', FIRST.password, 'ip');
    await manage.add('carol', 'operator', 'carol-password-1', CLI);
    const carol = await sessions.signIn('carol', 'carol-password-1', 'ip');
    await sessions.endFirstOperatorSessions();
    assert.equal(await sessions.resume(first!.token), null, 'ADMIN_PASSWORD may have changed while the server was down');
    assert.ok(await sessions.resume(carol!.token), 'named accounts keep theirs');

    const renamed = new ManageOperators(
      new InMemoryOperatorAccounts(store),
      adminSessions,
      new ScryptPasswords(),
      new InMemoryAdminAudit(store),
      clock,
      { name: 'root', password: 'another-first-secret' },
    );
    const before = await sessions.signIn('admin', FIRST.password, 'ip');
    await renamed.add('admin', 'viewer', 'a-long-password', CLI);
    assert.equal(
      await adminSessions.resume(before!.token, clock.now(), DEFAULT_SESSION_LIMITS),
      null,
      'the former first operator’s session ended',
    );
  });

  it('ends a session after half an hour idle, and audits signing out', async () => {
    const signedIn = await sessions.signIn('admin', FIRST.password, 'ip');
    clock.advance(29 * 60_000);
    assert.ok(await sessions.resume(signedIn!.token));
    clock.advance(30 * 60_000 + 1);
    assert.equal(await sessions.resume(signedIn!.token), null);
    const again = await sessions.signIn('admin', FIRST.password, 'ip');
    await sessions.signOut(again!.token, again!.operator, 'ip');
    assert.equal(await sessions.resume(again!.token), null);
    assert.deepEqual(actions().at(-1), ['admin', 'sign_out', 'admin', '']);
  });
});
