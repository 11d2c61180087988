import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNewPassword, checkOperatorName, checkOperatorRole, InvalidOperatorInput, mayOperate } from '../../src/domain/operator.ts';

describe('operator accounts: the rules of names, roles and passwords', () => {
  it('takes plain lowercase names of 1 to 32 characters that start with a letter', () => {
    for (const name of ['a', 'alice', 'li.wei', 'ops_2', 'x-y', `a${'b'.repeat(31)}`]) assert.equal(checkOperatorName(name), name);
    for (const name of ['', 'Alice', '2alice', '.alice', 'al ice', 'ali\u0000ce', '张伟', `a${'b'.repeat(32)}`, 'alice\n']) {
      assert.throws(() => checkOperatorName(name), InvalidOperatorInput, JSON.stringify(name));
    }
  });

  it('knows two roles, and only operators act', () => {
    assert.equal(checkOperatorRole('viewer'), 'viewer');
    for (const role of ['admin', 'Operator', '', 'constructor']) assert.throws(() => checkOperatorRole(role), InvalidOperatorInput);
    assert.equal(mayOperate('operator'), true);
    assert.equal(mayOperate('viewer'), false);
  });

  it('takes chosen passwords of 12 to 200 characters, counted as people count them', () => {
    assert.equal(checkNewPassword('十二个字的密码十二个字的密'), '十二个字的密码十二个字的密');
    assert.equal(checkNewPassword('x'.repeat(200)).length, 200);
    for (const password of ['short', 'eleven-char', 'x'.repeat(201), 'has-a-\u0000-nul-in-it']) {
      assert.throws(() => checkNewPassword(password), InvalidOperatorInput, password);
    }
  });
});
