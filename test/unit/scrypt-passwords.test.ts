import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScryptPasswords } from '../../src/infrastructure/scrypt-passwords.ts';

describe('ScryptPasswords', () => {
  const passwords = new ScryptPasswords();

  it('verifies the password a hash was made of, and nothing else', async () => {
    const hash = await passwords.hash('correct horse battery');
    assert.match(hash, /^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(await passwords.hash('correct horse battery'), hash, 'salted');
    assert.equal(await passwords.verify('correct horse battery', hash), true);
    assert.equal(await passwords.verify('correct horse battery', hash), true, 'remembered, still right');
    assert.equal(await passwords.verify('correct horse batterY', hash), false);
    assert.equal(await passwords.verify('', hash), false);
  });

  it('treats a composed and a decomposed spelling as one password', async () => {
    const hash = await passwords.hash('密码-caf\u00e9-2026');
    assert.equal(await passwords.verify('密码-cafe\u0301-2026', hash), true);
  });

  it('says no to a hash it cannot read', async () => {
    for (const hash of ['', 'plain', 'scrypt$15$8$1$', 'scrypt$15$8$1$c2FsdA$short', 'bcrypt$2b$10$abc']) {
      assert.equal(await passwords.verify('anything', hash), false, hash);
    }
  });

  it('generates 144-bit passwords', () => {
    const generated = new Set(Array.from({ length: 50 }, () => passwords.generate()));
    assert.equal(generated.size, 50);
    for (const password of generated) assert.match(password, /^[A-Za-z0-9_-]{24}$/);
  });
});
