import { Buffer } from 'node:buffer';
import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../application/ports/clock.ts';
import type { Page, PageRequest } from '../../application/ports/paging.ts';
import {
  type Rejection,
  type RejectionFilter,
  type RejectionLog,
  type RejectionRecord,
  type ReplayFilter,
  type ReplayMark,
  UNVERIFIED_REASONS,
} from '../../application/ports/rejection-log.ts';
import { TOKENS } from '../../application/tokens.ts';
import { everyRow } from '../keyset-paging.ts';
import { INFRA } from '../tokens.ts';
import { fit } from './column-text.ts';
import { searchingIds } from './id-search.ts';
import { isBigintId, type Keyset, keysetPage } from './keyset.ts';
import { COLUMNS, type RejectionRow, rejectionDigest, toRecord } from './rejection-rows.ts';
import { guarded } from './store-errors.ts';

export interface RejectionRetention {
  readonly maxRows: number;
  readonly maxAgeDays: number;
}

const ORDER_KNOWN = 'EXISTS (SELECT 1 FROM tb_order_info o WHERE o.order_id = r.out_trade_no) AS order_known';

const NEWEST_FIRST: Keyset<RejectionRow> = { columns: ['seq'], valid: [isBigintId], cursorOf: (row) => [String(row.seq)] };
// Age-based pruning runs with one insert in this many.
const PRUNE_EVERY = 500;
/** The most entries one toReplay call returns: a caller asks again `after` the last one it got. */
const REPLAY_BATCH = 10_000;
// Each row carries its raw bytes, up to 16 KB: a batch stays within a few MB.
const EXPORT_BATCH = 500;

// Each ring's own turn counter (migration 011): a flood of forgeries turns only its own ring.
const VERIFIED_TURNS = 'tb_payment_rejection_verified_turn';
const UNVERIFIED_TURNS = 'tb_payment_rejection_unverified_turn';

/**
 * Two rings of maxRows slots each, so that a flood cannot grow the table, and a flood of forgeries
 * (signatures that do not verify) cannot evict the refused messages Alipay itself signed: each
 * rejection overwrites the next slot of its own ring.
 */
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
        params: fit(rejection.params),
        // Whole: the HTTP layer caps a query or body at 16 KB, and a cut copy could never be replayed.
        raw: Buffer.from(rejection.raw),
        diagnosis: rejection.diagnosis,
        raw_digest: rejectionDigest(rejection),
      };
      const columns = Object.keys(values);
      // Two rings in one table: verified refusals in slots 0..maxRows-1, the rest in -1..-maxRows.
      const verified = !UNVERIFIED_REASONS.has(rejection.reason);
      const [turns, slot] = verified ? [VERIFIED_TURNS, 's.t % ?'] : [UNVERIFIED_TURNS, '-1 - s.t % ?'];
      // A verified message already kept is not kept again; without a row, no turn is taken either.
      const once = verified
        ? 'WHERE NOT EXISTS (SELECT 1 FROM tb_payment_rejection WHERE slot >= 0 AND raw_digest = ? AND create_time >= ?)'
        : '';
      const { rows } = await this.knex.raw(
        `INSERT INTO tb_payment_rejection (slot, seq, ${columns.join(', ')})
         SELECT ${slot}, s.v, ${columns.map(() => '?').join(', ')}
         FROM (SELECT nextval('tb_payment_rejection_seq') AS v, nextval('${turns}') AS t ${once}) s
         ON CONFLICT (slot) DO UPDATE SET seq = excluded.seq, ${columns.map((c) => `${c} = excluded.${c}`).join(', ')},
           replayed_at = NULL, replay_outcome = NULL, replay_detail = NULL, replay_config = NULL
         RETURNING seq`,
        [this.retention.maxRows, ...Object.values(values), ...(verified ? [values.raw_digest, this.cutoff()] : [])],
      );
      if (rows.length > 0 && Number(rows[0].seq) % PRUNE_EVERY === 0) await this.prune();
    } catch (error) {
      // Evidence is best effort: losing one row must never turn a 403 into a 500, but it must not go unseen.
      this.logger.error({ err: error, reason: rejection.reason, channel: rejection.channel }, 'rejection evidence not recorded');
    }
  }

  /** Drops rows past the retention age, and slots beyond a maxRows that has since been lowered, in either ring. */
  async prune(): Promise<void> {
    const { maxRows } = this.retention;
    await this.knex('tb_payment_rejection')
      .where('create_time', '<', this.cutoff())
      .orWhere('slot', '>=', maxRows)
      .orWhere('slot', '<', -maxRows)
      .delete();
  }

  private cutoff(): Date {
    return new Date(this.clock.now().getTime() - this.retention.maxAgeDays * 86_400_000);
  }

  page(filter: RejectionFilter, request: PageRequest): Promise<Page<RejectionRecord>> {
    return guarded(async () => {
      // Pruning is periodic; reads honour the age at once.
      const query = this.rows().where('create_time', '>=', this.cutoff());
      const { q, from, until, channel, reason } = filter;
      // The rings hold a bounded number of rows: a scan serves any part of an id without trigram indexes.
      if (q) searchingIds(query, ['out_trade_no', 'trade_no'], q);
      if (from) query.where('create_time', '>=', from);
      if (until) query.where('create_time', '<', until);
      if (channel) query.where('channel', channel);
      if (reason) query.where('reason', reason);
      const page = await keysetPage(query, NEWEST_FIRST, request);
      return { ...page, rows: page.rows.map(toRecord) };
    });
  }

  all(filter: RejectionFilter): AsyncIterable<RejectionRecord> {
    return everyRow((request) => this.page(filter, request), EXPORT_BATCH);
  }

  /** Every column of the record, with whether out_trade_no is one of our orders. */
  private rows(): Knex.QueryBuilder {
    return this.knex('tb_payment_rejection as r').select(COLUMNS).select(this.knex.raw(ORDER_KNOWN));
  }

  forOrder(outTradeNo: string, limit: number, verified?: boolean): Promise<RejectionRecord[]> {
    return guarded(async () => {
      const query = this.rows().where('out_trade_no', outTradeNo).where('create_time', '>=', this.cutoff());
      if (verified === true) query.whereNotIn('reason', [...UNVERIFIED_REASONS]);
      if (verified === false) query.whereIn('reason', [...UNVERIFIED_REASONS]);
      const rows: RejectionRow[] = await query
        .orderBy([
          { column: 'create_time', order: 'desc' },
          { column: 'seq', order: 'desc' },
        ])
        .limit(limit);
      return rows.reverse().map(toRecord);
    });
  }

  countUnverifiedForOrder(outTradeNo: string): Promise<number> {
    return guarded(async () => {
      const [row] = await this.knex('tb_payment_rejection')
        .where('out_trade_no', outTradeNo)
        .where('create_time', '>=', this.cutoff())
        .whereIn('reason', [...UNVERIFIED_REASONS])
        .count({ n: '*' });
      return Number(row?.n ?? 0);
    });
  }

  /** Oldest first, at most REPLAY_BATCH; rows kept before raw was (raw empty) have nothing to replay. */
  toReplay(filter: ReplayFilter): Promise<RejectionRecord[]> {
    return guarded(async () => {
      if (filter.id !== undefined && !isBigintId(filter.id)) return [];
      const query = this.rows()
        .where('create_time', '>=', this.cutoff())
        .whereNot('reason', 'SIGNATURE_REPAIRED')
        .where((w) => w.whereNull('replay_outcome').orWhereNot('replay_outcome', 'recovered'))
        .whereRaw('octet_length(raw) > 0')
        .orderBy([{ column: 'create_time' }, { column: 'seq' }])
        .limit(REPLAY_BATCH);
      if (filter.since) query.where('create_time', '>=', filter.since);
      if (filter.after) query.whereRaw('(create_time, seq) > (?, ?::bigint)', [filter.after.at, filter.after.id]);
      if (filter.id !== undefined) query.where('seq', filter.id);
      if (filter.configuration !== undefined) {
        // Still refused under this very configuration: only its missing order turning up could change that.
        query.whereRaw(
          // IS NOT DISTINCT FROM: a row never replayed (NULLs) must stay on offer, not vanish into NULL logic.
          `NOT (r.replay_outcome IS NOT DISTINCT FROM 'still_refused' AND r.replay_config IS NOT DISTINCT FROM ?
                AND NOT (r.replay_detail LIKE 'ORDER_NOT_FOUND%'
                         AND EXISTS (SELECT 1 FROM tb_order_info o WHERE o.order_id = r.out_trade_no)))`,
          [filter.configuration],
        );
      }
      return ((await query) as RejectionRow[]).map(toRecord);
    });
  }

  /** Updates the row only while it still holds seq `id`: a slot the ring has since reused is left alone. */
  markReplayed(id: string, replay: ReplayMark): Promise<void> {
    return guarded(async () => {
      if (!isBigintId(id)) return;
      await this.knex('tb_payment_rejection')
        .where('seq', id)
        .update({
          replayed_at: replay.at,
          replay_outcome: replay.outcome,
          replay_detail: fit(replay.detail, 200),
          replay_config: replay.configuration ?? null,
        });
    });
  }
}

const nullableFit = (text: string | null, width: number) => (text === null || text === '' ? null : fit(text, width));
