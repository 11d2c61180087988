import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { controlFileOf, readControlFile, writeControlFile } from '../../src/cli/control/control-file.ts';

describe('the control file beside DATA_DIR', () => {
  it('is read only while its owner alone may write it: a planted or loosened file receives no command', () => {
    const folder = mkdtempSync(join(tmpdir(), 'control-file-'));
    try {
      const dataDir = join(folder, 'pglite');
      const control = { pid: 4242, port: 40123, token: 't'.repeat(43) };
      writeControlFile(dataDir, control);
      assert.deepEqual(readControlFile(dataDir), control);
      chmodSync(controlFileOf(dataDir), 0o620);
      assert.equal(readControlFile(dataDir), null, 'others may write it');
      chmodSync(controlFileOf(dataDir), 0o604);
      assert.equal(readControlFile(dataDir), null, 'others may read its token');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
