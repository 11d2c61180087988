import { runCommandLine } from './command-line.ts';

/** `npm run reconcile -- [--date YYYY-MM-DD] [--json]`: see run-reconcile.ts. */
void runCommandLine('reconcile');
