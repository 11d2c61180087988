import { Model } from 'objection';
import type { ReviewReason } from '../../domain/errors.ts';
import type { PaymentSource } from '../../domain/payment.ts';

// Rows never leave infrastructure/persistence: repositories turn them into aggregates.
export class OrderRow extends Model {
  static override tableName = 'tb_order_info';
  static override idColumn = 'order_id';
  declare order_id: string;
  /** numeric(10,2) arrives as a string: never a float. */
  declare total_amount: string;
  declare pay_method: number;
  declare status: number;
  declare update_time: Date;
}

export class PaymentRow extends Model {
  static override tableName = 'tb_payment';
  declare id: string;
  declare order_id: string;
  declare trade_id: string | null;
  declare amount: string | null;
  declare source: PaymentSource;
  declare state: 'applied' | 'needs_review';
  declare review_reason: ReviewReason | null;
  declare create_time: Date;
  declare update_time: Date;
}
