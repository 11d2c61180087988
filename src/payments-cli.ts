import process from 'node:process';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { type ReplayFilter, ReplayRefusedCallbacks, type ReplayTally } from './application/replay-refused-callbacks.ts';
import { buildContainer } from './container.ts';
import { loadConfig } from './infrastructure/config.ts';
import { createLogger } from './infrastructure/logger.ts';
import { loadKeys } from './keys.ts';
import { openMigratedDatabase } from './server.ts';
import { exitWith } from './startup.ts';
import { wiringFor } from './wiring.ts';

const USAGE = 'usage: npm run payments -- replay [--since ISO-TIME] [--id N] [--json]';
const PROGRESS_EVERY = 100;
// An instant with its zone, so that no one has to guess which clock it was read on.
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

interface Command {
  readonly filter: ReplayFilter;
  readonly json: boolean;
}

/** `npm run payments -- replay`: runs the stored refused callbacks again under the current configuration. */
async function run(argv: string[]): Promise<void> {
  const { filter, json } = readCommand(argv);
  const config = loadConfig(process.env);
  // Logs go to stderr: stdout carries the result, and with --json nothing but it.
  const logger = createLogger(config.logLevel, pino.destination({ dest: 2, sync: true }));
  const { alipayKey, appKey } = loadKeys(config, logger);
  const database = await openMigratedDatabase(config, logger);
  try {
    const wiring = wiringFor({
      config,
      knex: database.knex,
      logger,
      alipayKey,
      appKey,
      publicUrl: config.publicUrl ?? 'http://127.0.0.1',
      adminPassword: 'unused: this command serves nothing',
      sandboxAlipayKeyPem: null,
    });
    const replay = buildContainer(wiring).get(ReplayRefusedCallbacks);
    let reached: ReplayTally = { examined: 0, recovered: 0, stillRefused: 0 };
    const tally = await replay
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
  } finally {
    await database.close();
  }
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
  if (positionals.length !== 1 || positionals[0] !== 'replay') return refuse(USAGE);
  const { since, id, json = false } = values;
  if (id !== undefined && !/^[1-9]\d{0,17}$/.test(id))
    return refuse(`payments: --id must be the number of a rejection, such as 42 (got ${JSON.stringify(id)})`);
  const sinceTime = since === undefined ? undefined : instant(since);
  if (sinceTime === null) {
    return refuse(`payments: --since must be an ISO time with its zone, such as 2026-11-26T08:00:00+08:00 (got ${JSON.stringify(since)})`);
  }
  return { filter: { since: sinceTime, id }, json };
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
