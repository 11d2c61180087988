import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../application/ports/clock.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import type { Rejection, RejectionLog, RejectionReason, RejectionRecord } from '../../application/ports/rejection-log.ts';
import { TOKENS } from '../../application/tokens.ts';
import type { PaymentSource } from '../../domain/payment.ts';
import { INFRA } from '../tokens.ts';
import { isBigintId, type Keyset, keysetPage, prefixPattern } from './keyset.ts';
import { guarded } from './store-errors.ts';

export interface RejectionRetention {
  readonly maxRows: number;
  readonly maxAgeDays: number;
}

interface RejectionRow {
  seq: string | number;
  create_time: Date;
  channel: string;
  reason: string;
  detail: string;
  remote_address: string;
  out_trade_no: string | null;
  trade_no: string | null;
  params: string;
}

const NEWEST_FIRST: Keyset<RejectionRow> = { columns: ['seq'], valid: [isBigintId], cursorOf: (row) => [String(row.seq)] };
// Age-based pruning runs with one insert in this many.
const PRUNE_EVERY = 500;

/** A ring of maxRows slots: the seq-th rejection overwrites slot seq % maxRows, so a flood cannot grow the table. */
@injectable()
export class KnexRejectionLog implements RejectionLog {
  constructor(
    @inject(INFRA.Knex) private readonly knex: Knex,
    @inject(INFRA.RejectionRetention) private readonly retention: RejectionRetention,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(INFRA.Logger) private readonly logger: Logger,
  ) {}

  async record(rejection: Rejection): Promise<void> {
    try {
      const values = {
        create_time: rejection.at,
        channel: rejection.channel,
        reason: rejection.reason,
        detail: fit(rejection.detail, 200),
        remote_address: fit(rejection.remoteAddress, 64),
        out_trade_no: nullableFit(rejection.outTradeNo, 64),
        trade_no: nullableFit(rejection.tradeNo, 100),
        params: fit(rejection.params, MAX_PARAMS),
      };
      const columns = Object.keys(values);
      const { rows } = await this.knex.raw(
        `INSERT INTO tb_payment_rejection (slot, seq, ${columns.join(', ')})
         SELECT s.v % ?, s.v, ${columns.map(() => '?').join(', ')} FROM (SELECT nextval('tb_payment_rejection_seq') AS v) s
         ON CONFLICT (slot) DO UPDATE SET seq = excluded.seq, ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}
         RETURNING seq`,
        [this.retention.maxRows, ...Object.values(values)],
      );
      if (Number(rows[0].seq) % PRUNE_EVERY === 0) await this.prune();
    } catch (error) {
      // Evidence is best effort: losing one row must never turn a 403 into a 500, but it must not go unseen.
      this.logger.error({ err: error, reason: rejection.reason, channel: rejection.channel }, 'rejection evidence not recorded');
    }
  }

  /** Drops rows past the retention age, and slots beyond a maxRows that has since been lowered. */
  async prune(): Promise<void> {
    await this.knex('tb_payment_rejection').where('create_time', '<', this.cutoff()).orWhere('slot', '>=', this.retention.maxRows).delete();
  }

  private cutoff(): Date {
    return new Date(this.clock.now().getTime() - this.retention.maxAgeDays * 86_400_000);
  }

  page(filter: { q?: string }, request: PageRequest): Promise<Page<RejectionRecord>> {
    return guarded(async () => {
      const query = this.knex('tb_payment_rejection')
        .select('seq', 'create_time', 'channel', 'reason', 'detail', 'remote_address', 'out_trade_no', 'trade_no', 'params')
        .where('create_time', '>=', this.cutoff()); // pruning is periodic; reads honour the age at once
      if (filter.q)
        query.where((w) => w.where('out_trade_no', 'like', prefixPattern(filter.q!)).orWhere('trade_no', 'like', prefixPattern(filter.q!)));
      const page = await keysetPage(query, NEWEST_FIRST, request);
      return { ...page, rows: page.rows.map(toRecord) };
    });
  }
}

// Evidence is cut to its column's width, and PostgreSQL text cannot hold NUL, which a hostile %00 decodes to.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be replaced
const fit = (text: string, width: number) => text.slice(0, width).replace(/\u0000/g, '\uFFFD');
const nullableFit = (text: string | null, width: number) => (text === null || text === '' ? null : fit(text, width));
// A copy of the parameters, not of a flood.
const MAX_PARAMS = 2_000;

function toRecord(row: RejectionRow): RejectionRecord {
  return {
    id: String(row.seq),
    at: row.create_time,
    channel: row.channel as PaymentSource,
    reason: row.reason as RejectionReason,
    detail: row.detail,
    remoteAddress: row.remote_address,
    outTradeNo: row.out_trade_no,
    tradeNo: row.trade_no,
    params: row.params,
  };
}
