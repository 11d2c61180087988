import { runCommandLine } from './command-line.ts';

/** `npm run orders -- create --amount 88.00`: places an UNPAID Alipay order on the configured database. */
void runCommandLine('orders');
