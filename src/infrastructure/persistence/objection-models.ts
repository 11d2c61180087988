import { Model } from 'objection';
import type { OrderRecord, PaymentRecord } from './table-records.ts';

// Objection's models of the two tables; their columns are the records' (declaration merging).
export interface OrderRow extends OrderRecord {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface only declares the columns Objection fills in
export class OrderRow extends Model {
  static override tableName = 'tb_order_info';
  static override idColumn = 'order_id';
}

export interface PaymentRow extends PaymentRecord {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface only declares the columns Objection fills in
export class PaymentRow extends Model {
  static override tableName = 'tb_payment';
}
