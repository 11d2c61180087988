import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { SETTINGS } from '../../src/infrastructure/settings.ts';
import { PRODUCTION_ENV } from '../support/production-env.ts';

/** The variables loadConfig looks up in `env`. */
function variablesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const watched = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  loadConfig(watched);
  return read;
}

describe('the settings declaration', () => {
  it('is what loadConfig reads: every declared variable, and no other', () => {
    // RSA in production is the one case where ALIPAY_ALLOW_SHA1 is looked at.
    const read = variablesRead({ ...PRODUCTION_ENV, ALIPAY_SIGN_TYPE: 'RSA', ALIPAY_ALLOW_SHA1: 'true' });
    assert.deepEqual([...read].sort(), Object.keys(SETTINGS).sort());
  });

  it('gives each setting a one-line doc and, where unset is a state of its own, words for it', () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      assert.match(name, /^[A-Z][A-Z0-9_]*$/);
      assert.ok(setting.doc.length > 0 && !setting.doc.includes('\n'), `${name}'s doc is one line`);
      if (typeof setting.default !== 'string') assert.ok(setting.default.unset.length > 0, `${name} says what unset means`);
    }
  });
});
