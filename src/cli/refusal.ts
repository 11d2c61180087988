import process from 'node:process';
import { ExitCode } from '../bootstrap/exit-codes.ts';

/** A command line the CLI will not run, with the one line that says why. */
export interface Refusal {
  readonly refusal: string;
}

export const isRefusal = (value: object): value is Refusal => 'refusal' in value;

/** Says why on stderr and exits 2, before anything is opened: a bad command touches nothing. */
export function exitRefused({ refusal }: Refusal): never {
  console.error(refusal);
  process.exit(ExitCode.CONFIGURATION);
}
