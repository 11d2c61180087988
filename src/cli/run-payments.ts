import { AskAlipayAboutOrder, type OrderQueried } from '../application/ask-alipay-about-order.ts';
import { type ReplayFilter, ReplayRefusedCallbacks, type ReplayTally } from '../application/replay-refused-callbacks.ts';
import { ExitCode } from '../bootstrap/exit-codes.ts';
import type { CommandHost, CommandIo, CommandRun } from './command.ts';
import { readPaymentsCommand } from './payments-command.ts';
import { refund } from './payments-refund.ts';
import { isRefusal, refuse } from './refusal.ts';

const PROGRESS_EVERY = 100;

/**
 * `npm run payments -- replay`: runs the stored refused callbacks again under the current configuration.
 * `npm run payments -- query ORDER_ID`: asks Alipay about one order now, and applies the answer as the schedule would.
 * `npm run payments -- refund ORDER_ID --reason TEXT`: refunds one payment of the order, in full or in part.
 */
export const runPayments: CommandRun = async (argv, io, host) => {
  const command = readPaymentsCommand(argv);
  if (isRefusal(command)) return refuse(io, command);
  if (command.name === 'refund') return refund(command, io, host);
  return command.name === 'replay' ? replay(command, io, host) : query(command, io, host);
};

async function replay({ filter, json }: { filter: ReplayFilter; json: boolean }, io: CommandIo, host: CommandHost): Promise<number> {
  return host.withAlipay(async ({ container }) => {
    let reached: ReplayTally = { examined: 0, recovered: 0, stillRefused: 0 };
    const tally = await container
      .get(ReplayRefusedCallbacks)
      .execute(filter, (progress) => {
        reached = progress;
        if (progress.examined % PROGRESS_EVERY === 0) io.stderr(`payments: examined ${describe(progress)}`);
      })
      .catch((error: unknown) => {
        // What was examined is marked; the rest waits for the next run.
        io.stderr(`payments: replay stopped after examining ${describe(reached)}: ${(error as Error)?.message ?? error}`);
        return null;
      });
    if (tally === null) return ExitCode.FAILURE;
    const result = { examined: tally.examined, recovered: tally.recovered, still_refused: tally.stillRefused };
    io.stdout(json ? JSON.stringify(result) : `payments: replay done, examined ${describe(tally)}`);
    return 0;
  });
}

async function query({ orderId, json }: { orderId: string; json: boolean }, io: CommandIo, host: CommandHost): Promise<number> {
  const queried = await host.withAlipay(({ container }) => container.get(AskAlipayAboutOrder).execute(orderId));
  io.stdout(json ? JSON.stringify(jsonOf(queried)) : block(queried));
  if (queried.outcome !== 'failed') return 0;
  io.stderr(`payments: Alipay gave no answer to rely on for order ${orderId}: ${why(queried)}`);
  return ExitCode.FAILURE;
}

const why = (queried: OrderQueried) => queried.summary.replace(/^no answer to rely on: /, '');

const OUTCOMES: Record<OrderQueried['outcome'], string> = {
  paid: 'paid',
  waiting: 'waiting for the buyer (WAIT_BUYER_PAY)',
  not_started: 'no trade yet: the shopper has not reached the cashier (ACQ.TRADE_NOT_EXIST)',
  closed: 'closed unpaid (TRADE_CLOSED): not asked again until a new pay URL',
  failed: 'no answer to rely on',
};
const RESULTS = { recorded: 'payment recorded (source query)', duplicate: 'already recorded', needs_review: 'payment kept for review' };

/** One readable block: what Alipay said, field by field, and what was done with it. */
function block(queried: OrderQueried): string {
  const rows: Array<[string, string]> = [['outcome', OUTCOMES[queried.outcome]]];
  if (queried.payment) rows.push(['result', `${RESULTS[queried.payment.result]}, trade ${queried.payment.tradeNo}`]);
  if (queried.outcome === 'failed') rows.push(['why', why(queried)]);
  for (const [name, value] of queried.answer) rows.push([`  ${name}`, value]);
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `payments: asked Alipay about order ${queried.orderId}`,
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
  ].join('\n');
}

function jsonOf(queried: OrderQueried) {
  return {
    order_id: queried.orderId,
    outcome: queried.outcome,
    payment: queried.payment ? { trade_no: queried.payment.tradeNo, result: queried.payment.result } : null,
    summary: queried.summary,
    answer: Object.fromEntries(queried.answer),
  };
}

const describe = (tally: ReplayTally) => `${tally.examined}: ${tally.recovered} recovered, ${tally.stillRefused} still refused`;
