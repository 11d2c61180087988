import process from 'node:process';
import { AskAlipayAboutOrder, type OrderQueried } from '../application/ask-alipay-about-order.ts';
import { type ReplayFilter, ReplayRefusedCallbacks, type ReplayTally } from '../application/replay-refused-callbacks.ts';
import { buildContainer } from '../bootstrap/container.ts';
import { exitWith } from '../bootstrap/startup.ts';
import { type Session, wire, withAlipay, withSession } from './cli-session.ts';
import { readPaymentsCommand } from './payments-command.ts';
import { exitRefused, isRefusal } from './refusal.ts';

const PROGRESS_EVERY = 100;

/**
 * `npm run payments -- replay`: runs the stored refused callbacks again under the current configuration.
 * `npm run payments -- query ORDER_ID`: asks Alipay about one order now, and applies the answer as the schedule would.
 */
async function run(argv: string[]): Promise<void> {
  const command = readPaymentsCommand(argv);
  if (isRefusal(command)) exitRefused(command);
  await withSession((session) => (command.name === 'replay' ? replay(command, session) : query(command, session)));
}

async function replay({ filter, json }: { filter: ReplayFilter; json: boolean }, session: Session): Promise<void> {
  const replayer = buildContainer(wire(session, null)).get(ReplayRefusedCallbacks);
  let reached: ReplayTally = { examined: 0, recovered: 0, stillRefused: 0 };
  const tally = await replayer
    .execute(filter, (progress) => {
      reached = progress;
      if (progress.examined % PROGRESS_EVERY === 0) console.error(`payments: examined ${describe(progress)}`);
    })
    .catch((error: unknown) => {
      // What was examined is marked; the rest waits for the next run.
      console.error(`payments: replay stopped after examining ${describe(reached)}: ${(error as Error)?.message ?? error}`);
      process.exitCode = 1;
      return null;
    });
  if (tally === null) return;
  const result = { examined: tally.examined, recovered: tally.recovered, still_refused: tally.stillRefused };
  console.log(json ? JSON.stringify(result) : `payments: replay done, examined ${describe(tally)}`);
}

async function query({ orderId, json }: { orderId: string; json: boolean }, session: Session): Promise<void> {
  const queried = await withAlipay(session, (container) => container.get(AskAlipayAboutOrder).execute(orderId));
  console.log(json ? JSON.stringify(jsonOf(queried)) : block(queried));
  if (queried.outcome === 'failed') {
    console.error(`payments: Alipay gave no answer to rely on for order ${orderId}: ${why(queried)}`);
    process.exitCode = 1;
  }
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

run(process.argv.slice(2)).catch(exitWith);
