import { parseArgs } from 'node:util';
import type { ReplayFilter } from '../application/replay-refused-callbacks.ts';
import { InvalidMoney } from '../domain/errors.ts';
import { Money } from '../domain/money.ts';
import { isRefusal, type Refusal } from './refusal.ts';

const PAYMENTS_USAGE = [
  'usage: npm run payments -- replay [--since ISO-TIME] [--id N] [--json]',
  '       npm run payments -- query ORDER_ID [--json]',
  '       npm run payments -- refund ORDER_ID [--trade-no T] [--amount 12.34] --reason TEXT [--json]',
].join('\n');
const ORDER_ID = /^[0-9A-Za-z_-]{1,64}$/;
// An instant with its zone, so that no one has to guess which clock it was read on.
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export type PaymentsCommand =
  | { readonly name: 'replay'; readonly filter: ReplayFilter; readonly json: boolean }
  | { readonly name: 'query'; readonly orderId: string; readonly json: boolean }
  | { readonly name: 'refund'; readonly refund: RefundArguments; readonly json: boolean };

/** What `payments refund` asks for: all that remains of the order's only payment unless told otherwise. */
export interface RefundArguments {
  readonly orderId: string;
  readonly tradeNo?: string;
  readonly amount?: Money;
  readonly reason: string;
}

/** `npm run payments -- …`'s command line, or what is wrong with it. */
export function readPaymentsCommand(argv: readonly string[]): PaymentsCommand | Refusal {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch {
    return { refusal: PAYMENTS_USAGE };
  }
  const { positionals, values } = parsed;
  const { since, id, json = false } = values;
  const refundOnly = values['trade-no'] !== undefined || values.amount !== undefined || values.reason !== undefined;
  if (positionals[0] === 'refund') {
    if (positionals.length !== 2 || since !== undefined || id !== undefined) return { refusal: PAYMENTS_USAGE };
    const refund = readRefund(positionals[1]!, values);
    return isRefusal(refund) ? refund : { name: 'refund', refund, json };
  }
  if (refundOnly) return { refusal: PAYMENTS_USAGE };
  if (positionals[0] === 'query') {
    const orderId = positionals[1];
    if (positionals.length !== 2 || since !== undefined || id !== undefined) return { refusal: PAYMENTS_USAGE };
    if (!ORDER_ID.test(orderId!)) return { refusal: orderIdRefusal(orderId!) };
    return { name: 'query', orderId: orderId!, json };
  }
  if (positionals.length !== 1 || positionals[0] !== 'replay') return { refusal: PAYMENTS_USAGE };
  if (id !== undefined && !/^[1-9]\d{0,17}$/.test(id)) {
    return { refusal: `payments: --id must be the number of a rejection, such as 42 (got ${JSON.stringify(id)})` };
  }
  const sinceTime = since === undefined ? undefined : instant(since);
  if (sinceTime === null) {
    return {
      refusal: `payments: --since must be an ISO time with its zone, such as 2026-11-26T08:00:00+08:00 (got ${JSON.stringify(since)})`,
    };
  }
  return { name: 'replay', filter: { since: sinceTime, id }, json };
}

const orderIdRefusal = (orderId: string) => `payments: ORDER_ID must be 1 to 64 letters, digits, _ or - (got ${JSON.stringify(orderId)})`;

function readRefund(orderId: string, values: ReturnType<typeof parse>['values']): RefundArguments | Refusal {
  if (!ORDER_ID.test(orderId)) return { refusal: orderIdRefusal(orderId) };
  const { 'trade-no': tradeNo, amount, reason } = values;
  if (reason === undefined || reason.trim() === '') {
    return {
      refusal:
        'payments: a refund needs --reason TEXT: why the money goes back (sent to Alipay, kept in the audit trail), such as --reason "顾客取消订单"',
    };
  }
  if (tradeNo !== undefined && !/^[0-9A-Za-z_-]{1,64}$/.test(tradeNo)) {
    return { refusal: `payments: --trade-no must be Alipay's trade no of one of the order's payments (got ${JSON.stringify(tradeNo)})` };
  }
  let asked: Money | undefined;
  try {
    asked = amount === undefined ? undefined : Money.parse(amount);
  } catch (error) {
    if (!(error instanceof InvalidMoney)) throw error;
    return {
      refusal: `payments: --amount must be yuan with at most two decimals, such as 12.34, or left out to refund all that remains (got ${JSON.stringify(amount)})`,
    };
  }
  return { orderId, reason, ...(tradeNo === undefined ? {} : { tradeNo }), ...(asked === undefined ? {} : { amount: asked }) };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      since: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
      'trade-no': { type: 'string' },
      amount: { type: 'string' },
      reason: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
}

/** The instant `text` names, or null unless it is an ISO time with a zone on a real calendar day. */
function instant(text: string): Date | null {
  const day = ISO_TIME.exec(text)?.[1];
  const midnight = new Date(`${day}T00:00:00Z`);
  const at = new Date(text);
  if (day === undefined || Number.isNaN(midnight.getTime()) || Number.isNaN(at.getTime())) return null;
  // Date rolls 02-31 over to 03-03: a real day prints back unchanged. PostgreSQL has no year 0.
  return midnight.toISOString().startsWith(day) && at.getUTCFullYear() >= 1 ? at : null;
}
