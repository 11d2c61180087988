import type { Buffer } from 'node:buffer';
import { createServer, type Socket } from 'node:net';
import process from 'node:process';
import type { Logger } from 'pino';
import { ExitCode } from '../../bootstrap/exit-codes.ts';
import { failureOf } from '../../bootstrap/exit-with.ts';
import type { Command, CommandHost, CommandIo } from '../command.ts';
import { removeControlFile, writeControlFile } from './control-file.ts';
import {
  asRequest,
  type ControlReply,
  type ControlRequest,
  encodeFrame,
  FrameReader,
  MAX_REQUEST_CHARS,
  newToken,
  tokenMatches,
} from './control-protocol.ts';

// A connection that has not sent its request by then is not a CLI of ours.
const REQUEST_TIMEOUT_MS = 10_000;

export interface ControlEndpoint {
  readonly port: number;
  /** Stops taking commands, waits for those running, and removes the control file. */
  close(): Promise<void>;
}

export interface ControlOptions {
  /** PGlite's directory: the control file is written beside it. */
  readonly dataDir: string;
  readonly commands: Readonly<Record<string, Command>>;
  /** The server's own database and wiring, lent to each command. */
  readonly host: CommandHost;
  readonly logger: Logger;
}

/**
 * Lets the CLIs of this machine run inside the server that holds DATA_DIR (docs/decisions/0038): on
 * 127.0.0.1 only, apart from the public HTTP app, for whoever can read the control file's token.
 */
export async function openControlEndpoint({ dataDir, commands, host, logger }: ControlOptions): Promise<ControlEndpoint> {
  const token = newToken();
  const running = new Set<Promise<void>>();
  // Connections that have not sent their request yet: a stop does not wait for them.
  const waiting = new Set<Socket>();
  const server = createServer((socket) => {
    // Any local user may connect before the token is checked: a few at once is all a person's CLIs need.
    if (waiting.size >= MAX_WAITING) {
      socket.destroy();
      return;
    }
    waiting.add(socket);
    const served = serve(socket, { token, commands, host, logger }, () => waiting.delete(socket)).finally(() => running.delete(served));
    running.add(served);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  writeControlFile(dataDir, { pid: process.pid, port, token });
  return {
    port,
    close: async () => {
      removeControlFile(dataDir, process.pid);
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of waiting) socket.destroy();
      await Promise.all([...running]);
      await closed;
    },
  };
}

const MAX_WAITING = 16;

async function serve(
  socket: Socket,
  { token, commands, host, logger }: Omit<ControlOptions, 'dataDir'> & { token: string },
  requested: () => void,
) {
  // A CLI that goes away mid-command must not take the server with it: the command runs to its end.
  socket.on('error', () => {});
  const send = (reply: ControlReply) => {
    if (!socket.destroyed) socket.write(encodeFrame(reply));
  };
  const request = await firstRequest(socket).catch(() => null);
  requested();
  if (request === null || !tokenMatches(token, request.token)) {
    logger.warn('control endpoint: refused a connection without the right token');
    send({ refused: request === null ? 'not a command request' : 'wrong token' });
    socket.end();
    return;
  }
  const command = Object.hasOwn(commands, request.command) ? commands[request.command] : undefined;
  logger.info({ command: request.command }, 'running a command for a CLI beside the server');
  const io: CommandIo = {
    stdout: (text) => send({ stdout: text }),
    stderr: (text) => send({ stderr: text }),
    stdin: async () => request.stdin ?? '',
  };
  const exit = command ? await exitCodeOf(command, request, io, host) : unknown(request.command, io);
  logger.info({ command: request.command, exit }, 'ran a command for a CLI beside the server');
  send({ exit });
  socket.end();
}

async function exitCodeOf(command: Command, request: ControlRequest, io: CommandIo, host: CommandHost): Promise<number> {
  try {
    return await command.run(request.argv, io, host);
  } catch (error) {
    const { line, code } = failureOf(error);
    io.stderr(line);
    return code;
  }
}

function unknown(name: string, io: CommandIo): number {
  io.stderr(`meiduo-payment: this server has no command ${JSON.stringify(name)}: is it of an older version than the CLI? Restart it`);
  return ExitCode.CONFIGURATION;
}

/** The connection's first line, as a request. @throws Error when it is not one in time */
function firstRequest(socket: Socket): Promise<ControlRequest | null> {
  const reader = new FrameReader(MAX_REQUEST_CHARS);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no request in time')), REQUEST_TIMEOUT_MS);
    const done = (request: ControlRequest | null, error?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      if (error) reject(error);
      else resolve(request);
    };
    const onData = (chunk: Buffer) => {
      try {
        const [frame] = reader.push(chunk);
        if (frame !== undefined) done(asRequest(frame));
      } catch (error) {
        done(null, error as Error);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => done(null, new Error('closed')));
  });
}
