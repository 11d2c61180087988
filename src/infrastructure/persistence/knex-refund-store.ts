import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { AdminAction } from '../../application/ports/admin-audit.ts';
import type {
  ExternalRecorded,
  ExternalRefund,
  NewRefund,
  RefundRecord,
  RefundRefusal,
  RefundRequested,
  RefundSettled,
  RefundStore,
} from '../../application/ports/refund-store.ts';
import { Money } from '../../domain/money.ts';
import type { QuerySchedule } from '../../domain/query-schedule.ts';
import { portalRefundOf, remainingOf } from '../../domain/refund.ts';
import { INFRA } from '../tokens.ts';
import { fit } from './column-text.ts';
import { auditRow } from './knex-admin-audit.ts';
import { effectsOf } from './refund-effects.ts';
import { lockPayment, type RefundRow, recordOf, refundsOf } from './refund-rows.ts';
import { guarded } from './store-errors.ts';

/**
 * tb_refund. Every write that weighs refunds against their payment first locks the payment's row
 * (SELECT … FOR UPDATE), so that PostgreSQL decides two refunds of one payment one after the other:
 * the second sees the first, and is refused when it would take more than came in.
 */
@injectable()
export class KnexRefundStore implements RefundStore {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  request(refund: NewRefund, audit: AdminAction, firstCheck: Date): Promise<RefundRequested> {
    return guarded(() =>
      this.knex.transaction(async (trx): Promise<RefundRequested> => {
        const payment = await lockPayment(trx, refund.tradeNo);
        // Under the lock, a request sent twice at once finds its first copy here.
        const stored = await trx<RefundRow>('tb_refund').where('out_request_no', fit(refund.outRequestNo, 64)).first();
        if (stored !== undefined) return { outcome: 'duplicate', refund: recordOf(stored) };
        if (payment === undefined || payment.amount === null) return { outcome: 'no_payment' };
        const refunds = await refundsOf(trx, refund.tradeNo);
        const pending = refunds.find((r) => r.origin === 'ours' && r.status === 'pending');
        if (pending !== undefined) return { outcome: 'pending_exists', pending };
        const remaining = remainingOf(Money.parse(payment.amount), refunds);
        if (refund.amount.fen > remaining.fen) return { outcome: 'exceeds', remaining };
        const [row] = await trx('tb_refund')
          .insert({
            out_request_no: refund.outRequestNo,
            order_id: payment.order_id,
            trade_no: refund.tradeNo,
            amount: refund.amount.toString(),
            // Validated by the domain (at most 256 characters, no NUL).
            reason: refund.reason,
            requested_by: fit(refund.requestedBy, 64),
            requested_at: refund.requestedAt,
            origin: 'ours',
            status: 'pending',
            due_at: firstCheck,
            update_time: refund.requestedAt,
          })
          .returning('*');
        await trx('tb_admin_audit').insert(auditRow(audit));
        return { outcome: 'requested', refund: recordOf(row!) };
      }),
    );
  }

  find(outRequestNo: string): Promise<RefundRecord | null> {
    return guarded(async () => {
      const row = await this.knex<RefundRow>('tb_refund').where('out_request_no', fit(outRequestNo, 64)).first();
      return row === undefined ? null : recordOf(row);
    });
  }

  forTrade(tradeNo: string): Promise<RefundRecord[]> {
    return guarded(async () => await refundsOf(this.knex, tradeNo));
  }

  forOrder(orderId: string): Promise<RefundRecord[]> {
    return guarded(async () => {
      const rows = await this.knex<RefundRow>('tb_refund').where('order_id', fit(orderId, 64)).orderBy(['requested_at', 'out_request_no']);
      return rows.map(recordOf);
    });
  }

  settleRefunded(outRequestNo: string, at: Date, refundedAt: Date): Promise<RefundSettled | null> {
    return guarded(() =>
      this.knex.transaction(async (trx) => {
        const known: { trade_no: string } | undefined = await trx('tb_refund')
          .where('out_request_no', fit(outRequestNo, 64))
          .first('trade_no');
        if (known === undefined) return null;
        await lockPayment(trx, known.trade_no);
        const [row] = await trx('tb_refund')
          .where('out_request_no', outRequestNo)
          .whereNot('status', 'refunded')
          .update({
            status: 'refunded',
            settled_at: at,
            refunded_at: refundedAt,
            refusal_code: null,
            refusal_message: null,
            due_at: null,
            update_time: at,
          })
          .returning('*');
        return row === undefined ? null : effectsOf(trx, recordOf(row), at);
      }),
    );
  }

  settleRefused(outRequestNo: string, at: Date, refusal: RefundRefusal): Promise<boolean> {
    return guarded(async () => {
      const updated = await this.knex('tb_refund')
        .where({ out_request_no: fit(outRequestNo, 64), status: 'pending' })
        .update({
          status: 'refused',
          settled_at: at,
          refusal_code: fit(refusal.subCode, 64),
          refusal_message: fit(refusal.message, 256),
          due_at: null,
          update_time: at,
        });
      return updated > 0;
    });
  }

  recordExternal(refund: ExternalRefund): Promise<ExternalRecorded> {
    return guarded(() =>
      this.knex.transaction(async (trx): Promise<ExternalRecorded> => {
        const payment = await lockPayment(trx, refund.tradeNo);
        if (payment === undefined) return { outcome: 'nothing_new' };
        // Weighed under the lock: two notifies at once each add only what the other has not.
        const amount = portalRefundOf(refund.cumulative, await refundsOf(trx, refund.tradeNo));
        if (amount === 'ours_pending') return { outcome: 'ours_pending' };
        if (amount.fen === 0) return { outcome: 'nothing_new' };
        const [row] = await trx('tb_refund')
          .insert({
            out_request_no: fit(refund.outRequestNo, 64),
            order_id: payment.order_id,
            trade_no: refund.tradeNo,
            amount: amount.toString(),
            requested_at: refund.learntAt,
            origin: 'external',
            status: 'refunded',
            settled_at: refund.learntAt,
            refunded_at: refund.refundedAt,
            update_time: refund.learntAt,
          })
          .onConflict('out_request_no')
          .ignore()
          .returning('*');
        if (row === undefined) return { outcome: 'nothing_new' };
        return { outcome: 'recorded', settled: await effectsOf(trx, recordOf(row), refund.learntAt) };
      }),
    );
  }

  claimDue(now: Date, limit: number, schedule: QuerySchedule): Promise<RefundRecord[]> {
    return guarded(() =>
      this.knex.transaction(async (trx) => {
        const { rows } = await trx.raw<{ rows: RefundRow[] }>(
          `SELECT * FROM tb_refund WHERE status = 'pending' AND due_at IS NOT NULL AND due_at <= ?
           ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED`,
          [now, limit],
        );
        for (const row of rows) {
          await trx('tb_refund')
            .where('out_request_no', row.out_request_no)
            .update({ due_at: schedule.nextAfter(row.requested_at, now), update_time: now });
        }
        return rows.map(recordOf);
      }),
    );
  }
}
