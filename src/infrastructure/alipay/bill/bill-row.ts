import type { BillRow } from '../../../application/ports/trade-bill.ts';
import { COLUMNS, type ColumnIndex } from './bill-header.ts';
import type { SourceRecord } from './bill-records.ts';
import type { PieceReader } from './bill-text.ts';
import { beijingInstant, fenOf } from './bill-values.ts';

const KINDS: ReadonlyMap<string, BillRow['kind']> = new Map([
  ['交易', 'trade'],
  ['退款', 'refund'],
]);

export interface Reader {
  cell(raw: string): string;
  kind(raw: string): string;
}

/** Reads a cell as text; the few values of 业务类型 are decoded once each, not once a row. */
export function reader(read: PieceReader): Reader {
  const kinds = new Map<string, string>();
  return {
    cell: read,
    kind: (raw) => {
      const known = kinds.get(raw);
      if (known !== undefined) return known;
      const kind = read(raw);
      // A malformed file could name a new kind on every row: remember only a few.
      if (kinds.size < 16) kinds.set(raw, kind);
      return kind;
    },
  };
}

/** The row, or why it is not one. */
export function rowOf({ line, cells }: SourceRecord, { at, width }: ColumnIndex, read: Reader): BillRow | string {
  if (cells.length !== width) return `${cells.length} cells where the header names ${width} columns`;
  const tradeNo = read.cell(cells[at.tradeNo]!);
  if (tradeNo === '') return `no ${COLUMNS.tradeNo}`;
  const outTradeNo = read.cell(cells[at.outTradeNo]!);
  if (outTradeNo === '') return `no ${COLUMNS.outTradeNo}`;
  const kindText = read.kind(cells[at.kind]!);
  const kind = KINDS.get(kindText);
  if (kind === undefined) return `${COLUMNS.kind} ${shown(kindText)} is neither 交易 nor 退款`;
  const amount = read.cell(cells[at.amount]!);
  const amountFen = fenOf(amount);
  if (amountFen === null) return `${COLUMNS.amount} ${shown(amount)} is not an amount`;
  const received = read.cell(cells[at.received]!);
  const receivedFen = fenOf(received);
  if (receivedFen === null) return `${COLUMNS.received} ${shown(received)} is not an amount`;
  // A 交易 row is money in, a 退款 row money out: a sign the other way round is not a row to trust.
  if ((kind === 'trade' && amountFen < 0) || (kind === 'refund' && amountFen > 0))
    return `${COLUMNS.amount} ${amount} on a ${kindText} row`;
  const serviceFee = optional(read, cells, at.serviceFee);
  const serviceFeeFen = serviceFee === '' ? 0 : fenOf(serviceFee);
  if (serviceFeeFen === null) return `${COLUMNS.serviceFee} ${shown(serviceFee)} is not an amount`;
  const created = read.cell(cells[at.createdAt]!);
  const createdAt = beijingInstant(created);
  if (createdAt === null) return `${COLUMNS.createdAt} ${shown(created)} is not a yyyy-MM-dd HH:mm:ss time`;
  const finished = read.cell(cells[at.finishedAt]!);
  const finishedAt = finished === '' ? null : beijingInstant(finished);
  if (finishedAt === null && finished !== '') return `${COLUMNS.finishedAt} ${shown(finished)} is not a yyyy-MM-dd HH:mm:ss time`;
  const refundBatchNo = kind === 'refund' ? optional(read, cells, at.refundBatchNo) : '';
  return {
    line,
    kind,
    tradeNo,
    outTradeNo,
    amountFen,
    receivedFen,
    serviceFeeFen,
    subject: optional(read, cells, at.subject),
    createdAt,
    finishedAt,
    refundBatchNo: refundBatchNo === '' ? null : refundBatchNo,
    remark: optional(read, cells, at.remark),
  };
}

/** An optional column's cell, '' when the header lacks the column. */
function optional(read: Reader, cells: readonly string[], at: number): string {
  return at < 0 ? '' : read.cell(cells[at]!);
}

// A reason names the cell it could not read, cut short: a hostile file may hold a megabyte in one.
const SHOWN_CHARS = 64;
const shown = (cell: string) => JSON.stringify(cell.length > SHOWN_CHARS ? `${cell.slice(0, SHOWN_CHARS)}…` : cell);
