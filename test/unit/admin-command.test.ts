import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_USAGE, readAdminCommand } from '../../src/cli/admin-command.ts';

describe('npm run admin: the command line', () => {
  it('reads each command', () => {
    assert.deepEqual(readAdminCommand(['add', 'alice', '--role', 'viewer']), {
      name: 'add',
      account: 'alice',
      role: 'viewer',
      passwordFromStdin: false,
    });
    assert.deepEqual(readAdminCommand(['add', 'alice', '--role=operator', '--password-stdin']), {
      name: 'add',
      account: 'alice',
      role: 'operator',
      passwordFromStdin: true,
    });
    assert.deepEqual(readAdminCommand(['list']), { name: 'list', json: false });
    assert.deepEqual(readAdminCommand(['list', '--json']), { name: 'list', json: true });
    assert.deepEqual(readAdminCommand(['passwd', 'alice']), { name: 'passwd', account: 'alice', passwordFromStdin: false });
    assert.deepEqual(readAdminCommand(['disable', 'alice']), { name: 'disable', account: 'alice' });
  });

  it('refuses anything else with the usage or the one missing piece', () => {
    assert.deepEqual(readAdminCommand(['add', 'alice']), { refusal: 'admin: add needs --role operator or --role viewer' });
    for (const argv of [
      [],
      ['add'],
      ['list', 'alice'],
      ['disable', 'alice', '--json'],
      ['passwd', 'a', 'b'],
      ['remove', 'alice'],
      ['list', '--role', 'x'],
    ]) {
      assert.equal((readAdminCommand(argv) as { refusal: string }).refusal, ADMIN_USAGE, argv.join(' '));
    }
    assert.match(
      (readAdminCommand(['add', 'alice', '--password', 'x']) as { refusal: string }).refusal,
      /^admin: Unknown option '--password'/,
    );
  });
});
