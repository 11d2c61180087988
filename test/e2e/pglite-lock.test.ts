import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serviceCommand } from '../support/service-command.ts';
import { testTempDir } from '../support/temp-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isDeno = 'Deno' in globalThis;
const deno = join(root, 'node_modules', '.bin', 'deno');

/** The permissions `npm run start:deno` grants, read from package.json so that the test follows the script. */
function startDenoPermissions(): string[] {
  const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['start:deno'];
  return script.split(/\s+/).filter((word) => word.startsWith('--allow-'));
}

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  extra: string[] = [],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args, ...extra], { cwd: root, env: { ...process.env, DATABASE_URL: '', ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // A process that took the lock serves until stopped: that is the failure, not a reason to hang.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the PGlite lock, held by a live process', { skip: isDeno && 'spawns Node and Deno processes' }, () => {
  const lockedDirectory = () => {
    const dataDir = join(testTempDir('meiduo-lock-'), 'pglite');
    // This test process is alive: its pid in the lock stands for a server running on the directory.
    writeFileSync(`${dataDir}.lock`, String(process.pid));
    const keys = testTempDir('meiduo-keys-');
    const env = { DATA_DIR: dataDir, PORT: '0', ALIPAY_PUBLIC_KEY_FILE: join(keys, 'a.pem'), APP_PRIVATE_KEY_FILE: join(keys, 'b.pem') };
    return { dataDir, env };
  };

  it('is respected by npm run start:deno, which may not signal other processes', {
    skip: !existsSync(deno) && 'no deno binary',
  }, async () => {
    const { dataDir, env } = lockedDirectory();
    const { code, output } = await run(deno, ['run', ...startDenoPermissions(), 'src/main.ts'], env);
    assert.equal(code, 2, output);
    assert.match(output, new RegExp(`DATA_DIR ${dataDir} is in use by process ${process.pid}`));
    assert.equal(readFileSync(`${dataDir}.lock`, 'utf8'), String(process.pid), 'the live owner keeps its lock');
  });

  it('is respected by a second Node process', async () => {
    const { dataDir, env } = lockedDirectory();
    const { code, output } = await run(process.execPath, serviceCommand('src/main.ts'), env);
    assert.equal(code, 2, output);
    assert.match(output, new RegExp(`DATA_DIR ${dataDir} is in use by process ${process.pid}`));
    assert.equal(readFileSync(`${dataDir}.lock`, 'utf8'), String(process.pid));
  });

  // Beside a server of this version the CLIs run inside it (test/e2e/cli-beside-server.test.ts).
  it('stops a CLI with exit 2 and what to do when its holder takes no commands', async () => {
    const { dataDir, env } = lockedDirectory();
    const { code, output } = await run(process.execPath, serviceCommand('src/cli/orders-cli.ts'), env, ['create', '--amount', '1']);
    assert.equal(code, 2, output);
    assert.equal(
      output,
      `orders: ${dataDir} is in use by process ${process.pid}, which takes no commands now (${dataDir}.control is missing): another command (wait for it to end), a server still starting (run this again once it listens) or one of an older version (restart it)\n`,
    );
  });
});
