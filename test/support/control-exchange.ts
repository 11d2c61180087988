import { connect } from 'node:net';
import { FrameReader } from '../../src/cli/control/control-protocol.ts';

/** Sends `line` to a control endpoint as is, and reads every frame until the server closes. */
export function exchange(port: number, line: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(line));
    const reader = new FrameReader();
    const frames: unknown[] = [];
    socket.on('data', (chunk) => frames.push(...reader.push(chunk)));
    socket.on('error', reject);
    socket.on('close', () => resolve(frames));
  });
}
