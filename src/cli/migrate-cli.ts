import { runCommandLine } from './command-line.ts';

/** `npm run migrate`: brings the configured database's schema up to date, then exits. */
void runCommandLine('migrate');
