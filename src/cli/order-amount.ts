import { InvalidMoney } from '../domain/errors.ts';
import { Money } from '../domain/money.ts';
import type { Refusal } from './refusal.ts';

// Alipay's page pay takes 0.01 to 100,000,000 yuan; numeric(10,2) stops at 99,999,999.99.
const AMOUNT_RULE = '--amount must be yuan from 0.01 to 99999999.99 with at most two decimals, such as 88.00';

/** An order's amount as the CLI takes it: the Money, or the one line that says why not. */
export function orderAmount(input: string): Money | Refusal {
  try {
    const money = Money.parse(input);
    if (money.fen >= 1) return money;
  } catch (error) {
    if (!(error instanceof InvalidMoney)) throw error;
  }
  return { refusal: `orders: ${AMOUNT_RULE} (got ${shortened(input)})` };
}

const shortened = (input: string) => JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
