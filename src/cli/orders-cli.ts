import process from 'node:process';
import { parseArgs } from 'node:util';
import { PlaceOrder } from '../application/place-order.ts';
import { storeContainer } from '../bootstrap/container.ts';
import { exitWith, openMigrated } from '../bootstrap/startup.ts';
import { loadConfig } from '../infrastructure/config.ts';
import { orderAmount } from './order-amount.ts';
import { exitRefused, isRefusal } from './refusal.ts';

const USAGE = 'usage: npm run orders -- create --amount 88.00';

/** `npm run orders -- create --amount 88.00`: places an UNPAID Alipay order on the configured database. */
async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, options: { amount: { type: 'string' } }, allowPositionals: true, strict: false });
  const amount = typeof values.amount === 'string' ? values.amount : undefined;
  if (positionals[0] !== 'create' || amount === undefined) exitRefused({ refusal: USAGE });
  // Refused before the database is opened: a bad amount costs nothing and touches nothing.
  const money = orderAmount(amount);
  if (isRefusal(money)) exitRefused(money);
  const config = loadConfig(process.env);
  const { database } = await openMigrated(config);
  try {
    const placeOrder = storeContainer({ knex: database.knex, repositories: config.repositories }).get(PlaceOrder);
    const { orderId } = await placeOrder.execute({ amount: money.toString() });
    console.log(orderId);
    console.error(`placed UNPAID Alipay order ${orderId} for ¥${money} in ${database.description}`);
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch(exitWith);
