import type { Knex } from 'knex';
import type { Context } from 'koa';
import { SandboxTables } from './sandbox-tables.ts';

/**
 * How the sandbox withholds the answer to a refund it carried out: it holds the connection without a
 * word until the caller gives up (or the server closes the silent socket), or answers HTTP 502 as a
 * proxy in front of Alipay would. The refund notify is dropped too: only the refund query tells.
 */
export type RefundFault = 'hang' | 'http-502';

export const REFUND_FAULTS: readonly RefundFault[] = ['hang', 'http-502'];

// Alipay's answer is never waited for longer than ALIPAY_HTTP_TIMEOUT, 2 minutes at most.
const LONGEST_HOLD_MS = 120_000;

const TABLE = 'sandbox_alipay_fault';
const CREATE = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    name varchar(32) PRIMARY KEY,
    mode varchar(16) NOT NULL,
    armed_at timestamptz NOT NULL
  )`,
];
const NEXT_REFUND = 'next-refund';

/**
 * The switch "carry out the next refund, never answer it", kept in the database so that a CLI process
 * that answers for the sandbox (cli-session.ts) obeys it too; one refund takes it.
 */
export class SandboxRefundFault {
  private readonly tables: SandboxTables;
  private readonly released = new AbortController();

  constructor(
    private readonly knex: Knex,
    private readonly now: () => Date,
  ) {
    this.tables = new SandboxTables(knex, CREATE);
  }

  async arm(mode: RefundFault): Promise<void> {
    await this.tables.ensure();
    await this.knex(TABLE).insert({ name: NEXT_REFUND, mode, armed_at: this.now() }).onConflict('name').merge(['mode', 'armed_at']);
  }

  async disarm(): Promise<void> {
    await this.tables.ensure();
    await this.knex(TABLE).where({ name: NEXT_REFUND }).delete();
  }

  /** The fault waiting for the next refund, if any. */
  async armed(): Promise<RefundFault | null> {
    await this.tables.ensure();
    const row: { mode: RefundFault } | undefined = await this.knex(TABLE).select('mode').where({ name: NEXT_REFUND }).first();
    return row?.mode ?? null;
  }

  /** The fault for this refund, taken so that the next one is answered again: one taker however many ask at once. */
  async take(): Promise<RefundFault | null> {
    await this.tables.ensure();
    const rows: Array<{ mode: RefundFault }> = await this.knex(TABLE).where({ name: NEXT_REFUND }).delete().returning('mode');
    return rows[0]?.mode ?? null;
  }

  /** Withholds the answer as `fault` says. */
  async withhold(ctx: Context, fault: RefundFault): Promise<void> {
    if (fault === 'http-502') {
      ctx.status = 502;
      ctx.type = 'text/html;charset=utf-8';
      ctx.body = '<html><body><h1>502 Bad Gateway</h1></body></html>';
      return;
    }
    const socket = ctx.req.socket;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LONGEST_HOLD_MS);
      timer.unref?.();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('close', done);
      this.released.signal.addEventListener('abort', done, { once: true });
    });
    ctx.respond = false;
    socket.destroy();
  }

  /** Lets go of every held connection (the sandbox is closing). */
  close(): void {
    this.released.abort();
  }
}
