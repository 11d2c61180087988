import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Command, CommandHost, CommandIo } from '../../src/cli/command.ts';
import { runInServer } from '../../src/cli/control/control-client.ts';
import { type ControlEndpoint, openControlEndpoint } from '../../src/cli/control/control-endpoint.ts';
import { type ControlFile, controlFileOf, readControlFile } from '../../src/cli/control/control-file.ts';
import { encodeFrame } from '../../src/cli/control/control-protocol.ts';
import { ConfigError } from '../../src/infrastructure/config.ts';
import { elapsedMs, waitFor } from '../support/clock.ts';
import { exchange } from '../support/control-exchange.ts';
import { testTempDir } from '../support/temp-dir.ts';

const lent = { container: undefined as never, database: 'a test database' };
const host: CommandHost = { withStores: (work) => work(lent), withAlipay: (work) => work(lent) };

/** Collects what a command prints, in order, as the CLI's streams would get it. */
function collecting() {
  const lines: string[] = [];
  const io: CommandIo = {
    stdout: (text) => lines.push(`out: ${text}`),
    stderr: (text) => lines.push(`err: ${text}`),
    stdin: async () => '',
  };
  return { lines, io };
}

describe('the control endpoint, with commands of its own', () => {
  let release: () => void = () => {};
  const commands: Record<string, Command> = {
    echo: {
      run: async (argv, io, commandHost) => {
        io.stdout(`${argv.join(' ')} on ${await commandHost.withStores(async ({ database }) => database)}`);
        io.stderr(`stdin: ${await io.stdin()}`);
        return 0;
      },
      readsStdin: () => true,
    },
    slow: {
      run: async (_argv, io) => {
        io.stderr('slow: first step done');
        await new Promise<void>((resolve) => (release = resolve));
        io.stdout('slow: done');
        return 3;
      },
    },
    broken: {
      run: async () => {
        throw new ConfigError('ALIPAY_APP_ID', 'must be set');
      },
    },
  };
  const dataDir = join(testTempDir('meiduo-control-'), 'pglite');
  let endpoint: ControlEndpoint;
  let control: ControlFile;
  before(async () => {
    endpoint = await openControlEndpoint({ dataDir, commands, host, logger: pino({ level: 'silent' }) });
    control = readControlFile(dataDir)!;
  });
  after(() => endpoint.close());

  it('writes its port and secret beside DATA_DIR, readable by its owner only', () => {
    assert.equal(control.pid, process.pid);
    assert.equal(control.port, endpoint.port);
    assert.equal(statSync(controlFileOf(dataDir)).mode & 0o777, 0o600);
  });

  it('runs a command on its host with the argv and stdin sent, and answers its output and exit code', async () => {
    const { lines, io } = collecting();
    const code = await runInServer(control, { command: 'echo', argv: ['a', 'b c'], stdin: 'secret\n' }, io);
    assert.equal(code, 0);
    assert.deepEqual(lines, ['out: a b c on a test database', 'err: stdin: secret\n']);
  });

  it('streams each line as it is printed, not at the end', async () => {
    const { lines, io } = collecting();
    const ran = runInServer(control, { command: 'slow', argv: [], stdin: null }, io);
    await waitFor(() => lines.length > 0, 'the first line before the command ends');
    assert.deepEqual(lines, ['err: slow: first step done']);
    release();
    assert.equal(await ran, 3);
    assert.deepEqual(lines, ['err: slow: first step done', 'out: slow: done']);
  });

  it('ends a command that throws as a process would: one line, the same exit code', async () => {
    const { lines, io } = collecting();
    assert.equal(await runInServer(control, { command: 'broken', argv: [], stdin: null }, io), 2);
    assert.deepEqual(lines, ['err: meiduo-payment: configuration error: ALIPAY_APP_ID must be set']);
  });

  it('refuses an unknown command with exit 2', async () => {
    const { lines, io } = collecting();
    assert.equal(await runInServer(control, { command: 'admin', argv: ['list'], stdin: null }, io), 2);
    assert.match(lines[0]!, /this server has no command "admin"/);
  });

  it('refuses a wrong token, and a line that is no request, running nothing', async () => {
    for (const line of [encodeFrame({ token: 'guessed', command: 'echo', argv: [], stdin: null }), '{"hello":1}\n', 'GET / HTTP/1.1\n']) {
      assert.deepEqual(await exchange(control.port, line), [
        { refused: line.startsWith('{"token"') ? 'wrong token' : 'not a command request' },
      ]);
    }
    const { io } = collecting();
    assert.equal(await runInServer({ ...control, token: 'guessed' }, { command: 'echo', argv: [], stdin: null }, io), 1);
  });

  it('closes without waiting for a connection that sent nothing, and removes its file', async () => {
    const silent = connect(endpoint.port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    const dropped = new Promise((resolve) => silent.once('close', resolve));
    silent.on('error', () => {});
    const startedAt = elapsedMs();
    await endpoint.close();
    await dropped;
    assert.ok(elapsedMs() - startedAt < 5_000, 'well before the 10 s a request may take to come');
    assert.equal(existsSync(controlFileOf(dataDir)), false);
  });
});
