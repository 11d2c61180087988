import process from 'node:process';
import { parseArgs } from 'node:util';
import { PlaceOrder } from '../application/place-order.ts';
import { storeContainer } from '../bootstrap/container.ts';
import { ExitCode } from '../bootstrap/exit-codes.ts';
import { exitWith, openMigrated } from '../bootstrap/startup.ts';
import { InvalidMoney } from '../domain/errors.ts';
import { Money } from '../domain/money.ts';
import { loadConfig } from '../infrastructure/config.ts';

const USAGE = 'usage: npm run orders -- create --amount 88.00';
// Alipay's page pay takes 0.01 to 100,000,000 yuan; numeric(10,2) stops at 99,999,999.99.
const AMOUNT_RULE = '--amount must be yuan from 0.01 to 99999999.99 with at most two decimals, such as 88.00';

/** `npm run orders -- create --amount 88.00`: places an UNPAID Alipay order on the configured database. */
async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, options: { amount: { type: 'string' } }, allowPositionals: true, strict: false });
  const amount = typeof values.amount === 'string' ? values.amount : undefined;
  if (positionals[0] !== 'create' || amount === undefined) {
    console.error(USAGE);
    process.exit(ExitCode.CONFIGURATION);
  }
  // Refused before the database is opened: a bad amount costs nothing and touches nothing.
  const money = orderAmount(amount);
  if (money === null) {
    console.error(`orders: ${AMOUNT_RULE} (got ${shortened(amount)})`);
    process.exit(ExitCode.CONFIGURATION);
  }
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

/** The amount, or null when it is not one a shopper could pay. */
function orderAmount(input: string): Money | null {
  try {
    const money = Money.parse(input);
    return money.fen >= 1 ? money : null;
  } catch (error) {
    if (error instanceof InvalidMoney) return null;
    throw error;
  }
}

const shortened = (input: string) => JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);

run(process.argv.slice(2)).catch(exitWith);
