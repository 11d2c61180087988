import type { AdminAction } from '../../application/ports/admin-audit.ts';
import type { OperatorAccount } from '../../application/ports/operator-accounts.ts';
import type { RefundRecord } from '../../application/ports/refund-store.ts';
import type { OrderSnapshot } from '../../domain/order.ts';
import type { PaymentSnapshot } from '../../domain/payment.ts';
import type { ReviewResolution } from '../../domain/review.ts';

/** The tables, as plain snapshots, so that an aggregate changed after saving changes nothing here. */
export class InMemoryStore {
  readonly orders = new Map<string, OrderSnapshot>();
  readonly payments = new Map<string, PaymentSnapshot>();
  /** create_time, which the domain does not keep. */
  readonly orderPlacedAt = new Map<string, Date>();
  /** tb_payment_query: when each queued order is next asked about; null when not at all. */
  readonly queries = new Map<string, { anchor: Date; dueAt: Date | null }>();
  /** tb_payment's resolution columns, by trade_no. */
  readonly resolutions = new Map<string, ReviewResolution>();
  /** tb_admin_audit, oldest first. */
  readonly adminActions: AdminAction[] = [];
  /** tb_admin_account, by name. */
  readonly operatorAccounts = new Map<string, OperatorAccount>();
  /** tb_refund, by out_request_no, in the order stored; dueAt is its next check, null when none. */
  readonly refunds = new Map<string, { record: RefundRecord; dueAt: Date | null }>();
}
