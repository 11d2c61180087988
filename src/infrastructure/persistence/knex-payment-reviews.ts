import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { AdminAction } from '../../application/ports/admin-audit.ts';
import type { PaymentReviews } from '../../application/ports/payment-reviews.ts';
import type { ReviewResolution, ReviewState } from '../../domain/review.ts';
import { INFRA } from '../tokens.ts';
import { fit } from './column-text.ts';
import { auditRow } from './knex-admin-audit.ts';
import { guarded } from './store-errors.ts';

@injectable()
export class KnexPaymentReviews implements PaymentReviews {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  stateOf(tradeNo: string): Promise<{ state: ReviewState | 'unknown'; orderId: string | null }> {
    return guarded(async () => {
      const row: { order_id: string; state: string; resolved_at: Date | null } | undefined = await this.knex('tb_payment')
        .where({ trade_id: fit(tradeNo) })
        .first('order_id', 'state', 'resolved_at');
      if (row === undefined) return { state: 'unknown', orderId: null };
      const state = row.state !== 'needs_review' ? 'applied' : row.resolved_at === null ? 'pending' : 'resolved';
      return { state, orderId: row.order_id };
    });
  }

  /** The guard in the UPDATE decides between two operators at once; the audit row commits with it or not at all. */
  resolve(tradeNo: string, resolution: ReviewResolution, audit: AdminAction): Promise<boolean> {
    return guarded(() =>
      this.knex.transaction(async (trx) => {
        const updated = await trx('tb_payment')
          .where({ trade_id: fit(tradeNo), state: 'needs_review' })
          .whereNull('resolved_at')
          .update({
            resolved_at: resolution.at,
            resolved_by: fit(resolution.by, 64),
            // Validated by the domain (at most 500 characters, no NUL): cut here, it would differ from the audit row.
            resolution_note: resolution.note,
            update_time: resolution.at,
          });
        if (updated === 0) return false;
        await trx('tb_admin_audit').insert(auditRow(audit));
        return true;
      }),
    );
  }
}
