import type { RefundOutcome } from '../application/refund-payment.ts';
import { RefundPayment } from '../application/refund-payment.ts';
import { ExitCode } from '../bootstrap/exit-codes.ts';
import { OrderNotFound } from '../domain/errors.ts';
import { RefundNotAllowed } from '../domain/refund.ts';
import type { CommandHost, CommandIo } from './command.ts';
import { commandLineUser } from './command-line-user.ts';
import type { RefundArguments } from './payments-command.ts';

/**
 * `npm run payments -- refund ORDER_ID --reason TEXT`: exit 0 when refunded or pending (settled later, never
 * twice), 1 when Alipay refused it, 2 when there was nothing to ask Alipay for (nothing stored then).
 */
export async function refund({ refund: asked, json }: { refund: RefundArguments; json: boolean }, io: CommandIo, host: CommandHost) {
  let outcome: RefundOutcome;
  try {
    outcome = await host.withAlipay(({ container }) => container.get(RefundPayment).execute({ ...asked, ...commandLineUser() }));
  } catch (error) {
    const why = badInput(error, asked);
    if (why === null) throw error;
    io.stderr(`payments: cannot refund order ${asked.orderId}: ${why}`);
    return ExitCode.CONFIGURATION;
  }
  io.stdout(json ? JSON.stringify(jsonOf(outcome)) : lines(outcome).join('\n'));
  if (outcome.status !== 'refused') return 0;
  const { subCode, message } = outcome.refusal ?? { subCode: '', message: '' };
  io.stderr(
    `payments: Alipay refused the refund (${subCode}: ${message}); nothing was refunded and the amount is still refundable: fix the cause, then run the refund again`,
  );
  return ExitCode.FAILURE;
}

/** One line saying what was wrong and what to do next; null for a failure that is no bad input. */
function badInput(error: unknown, asked: RefundArguments): string | null {
  if (error instanceof OrderNotFound) return 'there is no such order: check the order id';
  if (!(error instanceof RefundNotAllowed)) return null;
  const left = error.remaining?.toString() ?? '';
  switch (error.why) {
    case 'NO_SUCH_PAYMENT':
      return `${error.message}: check the order id and --trade-no (npm run payments -- query ${asked.orderId} shows what Alipay has)`;
    case 'SEVERAL_PAYMENTS':
      return `${error.message}, with --trade-no T`;
    case 'NOTHING_REFUNDABLE':
      return `${error.message}; nothing to do (a refund still pending is settled by the server, see the order's timeline)`;
    case 'EXCEEDS_REMAINING':
      return `${error.message}: ask for at most ${left} with --amount ${left}, or leave --amount out to refund all that remains`;
    case 'INVALID_REFUND_AMOUNT':
      return `${error.message}: give --amount above 0.00, or leave it out to refund all that remains`;
    case 'INVALID_REFUND_REASON':
      return `${error.message}: give --reason TEXT`;
    case 'REFUND_PENDING':
      return `${error.message} (the order's timeline has 向支付宝查询退款; a running server settles it within minutes)`;
    case 'INVALID_REQUEST_NO':
      return error.message;
  }
}

const STATUS_LINES: Record<RefundOutcome['status'], string> = {
  refunded: 'refunded: Alipay confirmed the money went back',
  pending:
    'pending: Alipay has not confirmed it yet; a running server asks again under the same out_request_no (never refunding twice) and the order’s timeline shows the outcome',
  refused: 'refused by Alipay: nothing was refunded',
};

/** One line per fact. */
function lines(outcome: RefundOutcome): string[] {
  const facts: Array<[string, string]> = [
    ['status', STATUS_LINES[outcome.status]],
    ['trade_no', outcome.tradeNo],
    ['out_request_no', outcome.outRequestNo],
    ['amount', outcome.amount.toString()],
    ['refunded_total', outcome.refundedTotal.toString()],
    ['remaining', outcome.remaining.toString()],
    ['reason', outcome.reason],
    ['alipay', outcome.note],
  ];
  if (outcome.refusal) facts.push(['refusal', `${outcome.refusal.subCode}: ${outcome.refusal.message}`]);
  const width = Math.max(...facts.map(([name]) => name.length));
  return [`payments: refund of order ${outcome.orderId}`, ...facts.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)];
}

function jsonOf(outcome: RefundOutcome) {
  return {
    order_id: outcome.orderId,
    trade_no: outcome.tradeNo,
    out_request_no: outcome.outRequestNo,
    amount: outcome.amount.toString(),
    status: outcome.status,
    refunded_total: outcome.refundedTotal.toString(),
    reason: outcome.reason,
  };
}
