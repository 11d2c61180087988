import type { Container } from 'inversify';

/** What a command reads and writes: its own process's streams, or the connection of a CLI beside the server. */
export interface CommandIo {
  /** Prints `text` and a newline on stdout, as console.log does: the result, and with --json nothing but it. */
  stdout(text: string): void;
  /** Prints `text` and a newline on stderr: progress and why it failed. */
  stderr(text: string): void;
  /** Everything on stdin, for a command registered with `readsStdin` (a password, never an argument). */
  stdin(): Promise<string>;
}

/** What a command's work is handed once its command line has been read. */
export interface Opened {
  /** The composition root's container, on the host's database. */
  readonly container: Container;
  /** The database as messages name it: "PGlite in var/pglite". */
  readonly database: string;
  /** The migrations opening it applied; absent inside the server, which applied its own when it started. */
  readonly applied?: readonly string[];
}

/**
 * Where a command does its work: a process of its own, which opens the database for it, or the running
 * server, which lends its own. A command reads its command line before asking, so a bad one opens nothing.
 */
export interface CommandHost {
  /** The stores alone: no key loaded, no Alipay to call. */
  withStores<T>(work: (opened: Opened) => Promise<T>): Promise<T>;
  /** The server's whole wiring, Alipay's included; with ALIPAY_GATEWAY=sandbox, the local sandbox answers for it. */
  withAlipay<T>(work: (opened: Opened) => Promise<T>): Promise<T>;
}

/**
 * One CLI's work, wherever it runs. It returns the exit code: 0 done, 1 failed, 2 refused (a bad command
 * line, which opens nothing), 3 and above its own. It writes through `io` only, never to the console.
 */
export type CommandRun = (argv: readonly string[], io: CommandIo, host: CommandHost) => Promise<number>;

export interface Command {
  readonly run: CommandRun;
  /**
   * Whether this command line reads stdin (`admin add --password-stdin`, say): a CLI beside the server
   * then reads it to the end and sends it along. Others never wait on a terminal's stdin.
   */
  readonly readsStdin?: (argv: readonly string[]) => boolean;
}
