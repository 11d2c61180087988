import { parseArgs } from 'node:util';
import { PlaceOrder } from '../application/place-order.ts';
import type { CommandRun } from './command.ts';
import { orderAmount } from './order-amount.ts';
import { isRefusal, refuse } from './refusal.ts';

const USAGE = 'usage: npm run orders -- create --amount 88.00';

/** `npm run orders -- create --amount 88.00`: places an UNPAID Alipay order. */
export const runOrders: CommandRun = async (argv, io, host) => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    options: { amount: { type: 'string' } },
    allowPositionals: true,
    strict: false,
  });
  const amount = typeof values.amount === 'string' ? values.amount : undefined;
  if (positionals[0] !== 'create' || amount === undefined) return refuse(io, { refusal: USAGE });
  // Refused before the database is opened: a bad amount costs nothing and touches nothing.
  const money = orderAmount(amount);
  if (isRefusal(money)) return refuse(io, money);
  return host.withStores(async ({ container, database }) => {
    const { orderId } = await container.get(PlaceOrder).execute({ amount: money.toString() });
    io.stdout(orderId);
    io.stderr(`placed UNPAID Alipay order ${orderId} for ¥${money} in ${database}`);
    return 0;
  });
};
