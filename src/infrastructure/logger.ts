import process from 'node:process';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** JSON lines on stdout. Signatures and keys never reach a log line, even by accident. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'meiduo-payment' },
      redact: { paths: ['sign', '*.sign', 'privateKey', '*.privateKey'], censor: '[redacted]' },
    },
    destination,
  );
}

/**
 * Where the server logs: JSON lines, for machines, unless a developer is watching a terminal, who gets
 * one readable line an event instead (pino-pretty, synchronous, so that nothing is lost at exit).
 */
export function consoleDestination(production: boolean): DestinationStream | undefined {
  if (production || !process.stdout.isTTY) return undefined;
  return pretty({ colorize: true, singleLine: true, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' });
}
