import { runCommandLine } from './command-line.ts';

/** `npm run payments -- replay | query ORDER_ID | refund ORDER_ID`: see run-payments.ts. */
void runCommandLine('payments');
