import { ExitCode } from '../bootstrap/exit-codes.ts';
import type { CommandIo } from './command.ts';

/** A command line the CLI will not run, with the one line that says why. */
export interface Refusal {
  readonly refusal: string;
}

export const isRefusal = (value: object): value is Refusal => 'refusal' in value;

/** Says why on stderr; exit 2, before anything is opened: a bad command touches nothing. */
export function refuse(io: CommandIo, { refusal }: Refusal): number {
  io.stderr(refusal);
  return ExitCode.CONFIGURATION;
}
