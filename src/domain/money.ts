import { InvalidMoney } from './errors.ts';

// numeric(10,2) holds at most 99,999,999.99 yuan; the strict pattern keeps us inside it.
const YUAN = /^(0|[1-9][0-9]{0,7})(?:\.([0-9]{1,2}))?$/;

/** An amount of CNY in integer fen. Never a float. */
export class Money {
  private constructor(readonly fen: number) {}

  /** Parses a decimal yuan string such as "3798.00" or "88.8". @throws InvalidMoney */
  static parse(yuan: string): Money {
    const match = YUAN.exec(yuan);
    if (!match) throw new InvalidMoney(yuan);
    const [, whole, decimals = ''] = match;
    return new Money(Number(whole) * 100 + Number(decimals.padEnd(2, '0')));
  }

  static ofFen(fen: number): Money {
    if (!Number.isSafeInteger(fen) || fen < 0 || fen > 9_999_999_999) throw new InvalidMoney(String(fen));
    return new Money(fen);
  }

  equals(other: Money): boolean {
    return this.fen === other.fen;
  }

  /** Two decimals, as Alipay and numeric(10,2) write it: "3798.00". */
  toString(): string {
    return `${Math.trunc(this.fen / 100)}.${String(this.fen % 100).padStart(2, '0')}`;
  }
}
