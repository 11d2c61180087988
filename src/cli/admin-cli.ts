import { runCommandLine } from './command-line.ts';

/** `npm run admin -- add|list|passwd|disable`: the back office's named accounts. */
void runCommandLine('admin');
