import process from 'node:process';
import { parseArgs } from 'node:util';
import { PlaceOrder } from './application/place-order.ts';
import { storeContainer } from './container.ts';
import { InvalidMoney } from './domain/errors.ts';
import { loadConfig } from './infrastructure/config.ts';
import { openDatabase } from './infrastructure/persistence/database.ts';
import { migrate } from './infrastructure/persistence/migrations.ts';
import { databaseTarget, exitWith } from './startup.ts';

const USAGE = 'usage: npm run orders -- create --amount 88.00';

/** `npm run orders -- create --amount 88.00`: places an UNPAID Alipay order on the configured database. */
async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, options: { amount: { type: 'string' } }, allowPositionals: true, strict: false });
  const amount = typeof values.amount === 'string' ? values.amount : undefined;
  if (positionals[0] !== 'create' || amount === undefined) {
    console.error(USAGE);
    process.exit(2);
  }
  const config = loadConfig(process.env);
  const database = openDatabase(databaseTarget(config));
  try {
    await migrate(database.knex);
    const placeOrder = storeContainer({ knex: database.knex, repositories: config.repositories }).get(PlaceOrder);
    const { orderId } = await placeOrder.execute({ amount });
    console.log(orderId);
    console.error(`placed UNPAID Alipay order ${orderId} for ¥${amount} in ${database.description}`);
  } catch (error) {
    if (error instanceof InvalidMoney) {
      console.error(`orders: --amount must be yuan with at most two decimals, such as 88.00 (got ${JSON.stringify(amount)})`);
      process.exit(2);
    }
    throw error;
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch(exitWith);
