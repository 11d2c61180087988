import { connect } from 'node:net';
import { ExitCode } from '../../bootstrap/exit-codes.ts';
import type { CommandIo } from '../command.ts';
import type { ControlFile } from './control-file.ts';
import { type ControlReply, type ControlRequest, encodeFrame, FrameReader } from './control-protocol.ts';

/**
 * Sends one command to the server's control endpoint and prints its output as it comes, line for line
 * where it would have gone. @returns the command's exit code
 * @throws Error when the endpoint cannot be reached
 */
export function runInServer(control: ControlFile, request: Omit<ControlRequest, 'token'>, io: CommandIo): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(control.port, '127.0.0.1');
    const reader = new FrameReader();
    let connected = false;
    let exit: number | null = null;
    socket.once('connect', () => {
      connected = true;
      socket.write(encodeFrame({ token: control.token, ...request }));
    });
    socket.on('data', (chunk) => {
      for (const reply of reader.push(chunk) as ControlReply[]) {
        if ('stdout' in reply) io.stdout(reply.stdout);
        else if ('stderr' in reply) io.stderr(reply.stderr);
        else if ('exit' in reply) exit = reply.exit;
        else {
          io.stderr(
            `${request.command}: the server refused the command (${reply.refused}): ${control.pid}'s control file may be stale; restart the server`,
          );
          exit = ExitCode.FAILURE;
        }
      }
    });
    socket.on('error', (error) => {
      if (!connected) reject(error);
    });
    socket.on('close', () => {
      if (!connected) return;
      if (exit === null) io.stderr(`${request.command}: the server closed the connection before the command ended (stopped?); see its log`);
      resolve(exit ?? ExitCode.FAILURE);
    });
  });
}
