import process from 'node:process';
import { parseArgs } from 'node:util';
import { AskAlipayAboutOrder, type OrderQueried } from '../application/ask-alipay-about-order.ts';
import { type ReplayFilter, ReplayRefusedCallbacks, type ReplayTally } from '../application/replay-refused-callbacks.ts';
import { buildContainer } from '../bootstrap/container.ts';
import { exitWith } from '../bootstrap/startup.ts';
import { type Session, wire, withAlipay, withSession } from './cli-session.ts';

const USAGE = [
  'usage: npm run payments -- replay [--since ISO-TIME] [--id N] [--json]',
  '       npm run payments -- query ORDER_ID [--json]',
].join('\n');
const ORDER_ID = /^[0-9A-Za-z_-]{1,64}$/;
const PROGRESS_EVERY = 100;
// An instant with its zone, so that no one has to guess which clock it was read on.
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

type Command =
  | { readonly name: 'replay'; readonly filter: ReplayFilter; readonly json: boolean }
  | { readonly name: 'query'; readonly orderId: string; readonly json: boolean };

/**
 * `npm run payments -- replay`: runs the stored refused callbacks again under the current configuration.
 * `npm run payments -- query ORDER_ID`: asks Alipay about one order now, and applies the answer as the schedule would.
 */
async function run(argv: string[]): Promise<void> {
  const command = readCommand(argv);
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

/** The command line, or exit 2 with what is wrong. */
function readCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch {
    return refuse(USAGE);
  }
  const { positionals, values } = parsed;
  const { since, id, json = false } = values;
  if (positionals[0] === 'query') {
    const orderId = positionals[1];
    if (positionals.length !== 2 || since !== undefined || id !== undefined) return refuse(USAGE);
    if (!ORDER_ID.test(orderId!))
      return refuse(`payments: ORDER_ID must be 1 to 64 letters, digits, _ or - (got ${JSON.stringify(orderId)})`);
    return { name: 'query', orderId: orderId!, json };
  }
  if (positionals.length !== 1 || positionals[0] !== 'replay') return refuse(USAGE);
  if (id !== undefined && !/^[1-9]\d{0,17}$/.test(id))
    return refuse(`payments: --id must be the number of a rejection, such as 42 (got ${JSON.stringify(id)})`);
  const sinceTime = since === undefined ? undefined : instant(since);
  if (sinceTime === null) {
    return refuse(`payments: --since must be an ISO time with its zone, such as 2026-11-26T08:00:00+08:00 (got ${JSON.stringify(since)})`);
  }
  return { name: 'replay', filter: { since: sinceTime, id }, json };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { since: { type: 'string' }, id: { type: 'string' }, json: { type: 'boolean' } },
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

const describe = (tally: ReplayTally) => `${tally.examined}: ${tally.recovered} recovered, ${tally.stillRefused} still refused`;

function refuse(message: string): never {
  console.error(message);
  process.exit(2);
}

run(process.argv.slice(2)).catch(exitWith);
