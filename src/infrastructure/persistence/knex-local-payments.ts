import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { LocalPayments, RecordedPayment } from '../../application/ports/local-payments.ts';
import { Money } from '../../domain/money.ts';
import { INFRA } from '../tokens.ts';
import { guarded } from './store-errors.ts';

interface PaymentRow {
  order_id: string;
  trade_id: string;
  /** numeric(10,2) arrives as text: parsed to fen, never through a float. */
  amount: string | null;
  create_time: Date;
}

// One = ANY(array) parameter a statement: a bill of 100,000 trades is 20 index lookups.
const LOOKUP_BATCH = 5_000;

/** tb_payment and tb_order_info, as reconciliation reads them. */
@injectable()
export class KnexLocalPayments implements LocalPayments {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  byTradeNos(tradeNos: readonly string[]): Promise<Map<string, RecordedPayment>> {
    return guarded(async () => {
      const found = new Map<string, RecordedPayment>();
      for (const batch of batches(tradeNos)) {
        const rows: PaymentRow[] = await this.payments().whereRaw('trade_id = ANY(?::text[])', [batch]);
        for (const row of rows) found.set(row.trade_id, toRecorded(row));
      }
      return found;
    });
  }

  recordedBetween(from: Date, until: Date): Promise<RecordedPayment[]> {
    return guarded(async () => {
      const rows: PaymentRow[] = await this.payments()
        .where('create_time', '>=', from)
        .where('create_time', '<', until)
        .whereNotNull('trade_id')
        .orderBy([{ column: 'create_time' }, { column: 'id' }]);
      return rows.map(toRecorded);
    });
  }

  existingOrders(orderIds: readonly string[]): Promise<Set<string>> {
    return guarded(async () => {
      const found = new Set<string>();
      for (const batch of batches(orderIds)) {
        const rows: Array<{ order_id: string }> = await this.knex('tb_order_info')
          .select('order_id')
          .whereRaw('order_id = ANY(?::text[])', [batch]);
        for (const row of rows) found.add(row.order_id);
      }
      return found;
    });
  }

  private payments(): Knex.QueryBuilder {
    return this.knex('tb_payment').select('order_id', 'trade_id', this.knex.raw('amount::text as amount'), 'create_time');
  }
}

function* batches(ids: readonly string[]): Iterable<string[]> {
  // PostgreSQL text cannot hold NUL: such an id names nothing, and must not fail the whole lookup.
  const unique = [...new Set(ids)].filter((id) => !id.includes('\u0000'));
  for (let start = 0; start < unique.length; start += LOOKUP_BATCH) yield unique.slice(start, start + LOOKUP_BATCH);
}

function toRecorded(row: PaymentRow): RecordedPayment {
  return {
    orderId: row.order_id,
    tradeNo: row.trade_id,
    amountFen: row.amount === null ? null : Money.parse(row.amount).fen,
    recordedAt: row.create_time,
  };
}
