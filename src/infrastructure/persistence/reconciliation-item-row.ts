import type { ReconciliationItem, StoredItem } from '../../application/ports/reconciliation-store.ts';
import type { DiscrepancyResolution } from '../../domain/discrepancy.ts';
import type { ItemKind } from '../../domain/reconciliation.ts';

/** A row of tb_reconciliation_item as read. */
export interface ItemRow {
  id: string | number;
  kind: ItemKind;
  order_id: string;
  trade_no: string;
  local_amount: string | number | null;
  bill_amount: string | number | null;
  detail: string;
  refund_no: string | null;
}

export const ITEM_COLUMNS = ['id', 'kind', 'order_id', 'trade_no', 'local_amount', 'bill_amount', 'detail', 'refund_no'];

// pg reads bigint as a string, PGlite as a number: both hold whole fen far inside 2^53.
const fen = (value: string | number | null) => (value === null ? null : Number(value));

export function toItem(row: ItemRow): ReconciliationItem {
  return {
    kind: row.kind,
    orderId: row.order_id,
    tradeNo: row.trade_no,
    localAmountFen: fen(row.local_amount),
    billAmountFen: fen(row.bill_amount),
    detail: row.detail,
    refundNo: row.refund_no,
  };
}

export function toStoredItem(row: ItemRow, resolution: DiscrepancyResolution | null): StoredItem {
  return { ...toItem(row), id: String(row.id), resolution };
}
