import { MalformedCallback } from '../../application/errors.ts';
import type { TradeReport } from '../../application/ports/alipay-message.ts';
import { InvalidMoney } from '../../domain/errors.ts';
import { Money } from '../../domain/money.ts';

// Alipay documents out_trade_no and trade_no as String(64) of letters, digits and '_' or '-'; ids
// with control characters (NUL above all) are no Alipay id.
const MAX_ID = 64;
const CONTROL_CHARACTER = /\p{Cc}/u;

/** The typed facts of a message's fields. @throws MalformedCallback */
export function tradeReportOf(fields: ReadonlyMap<string, string>): TradeReport {
  const text = (name: string) => fields.get(name) ?? '';
  return {
    outTradeNo: id(fields, 'out_trade_no'),
    tradeNo: id(fields, 'trade_no'),
    totalAmount: amount(fields.get('total_amount')),
    appId: fields.get('app_id') || null,
    sellerId: fields.get('seller_id') || null,
    kind: {
      method: text('method'),
      notifyType: text('notify_type'),
      tradeStatus: text('trade_status'),
      refundFee: text('refund_fee'),
      gmtRefund: text('gmt_refund'),
    },
  };
}

function id(fields: ReadonlyMap<string, string>, name: string): string | null {
  const value = fields.get(name);
  if (!value) return null;
  if (value.length > MAX_ID || CONTROL_CHARACTER.test(value)) {
    throw new MalformedCallback(`${name} is longer than ${MAX_ID} characters or holds control characters`);
  }
  return value;
}

function amount(value: string | undefined): Money | null {
  if (!value) return null;
  try {
    return Money.parse(value);
  } catch (error) {
    if (!(error instanceof InvalidMoney)) throw error;
    throw new MalformedCallback(`total_amount ${JSON.stringify(value.slice(0, 20))} is not an amount`);
  }
}
