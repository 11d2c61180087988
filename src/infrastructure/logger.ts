import pino, { type DestinationStream, type Logger } from 'pino';

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
