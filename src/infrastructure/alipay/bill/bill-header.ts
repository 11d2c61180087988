import { BillUnreadable } from '../../../application/errors.ts';

/** The detail file's columns that the reader uses, by their header names. */
export const COLUMNS = {
  tradeNo: '支付宝交易号',
  outTradeNo: '商户订单号',
  kind: '业务类型',
  subject: '商品名称',
  createdAt: '创建时间',
  finishedAt: '完成时间',
  amount: '订单金额（元）',
  received: '商家实收（元）',
  refundBatchNo: '退款批次号/请求号',
  serviceFee: '服务费（元）',
  remark: '备注',
} as const;

export type Column = keyof typeof COLUMNS;

const REQUIRED: readonly Column[] = ['tradeNo', 'outTradeNo', 'kind', 'createdAt', 'finishedAt', 'amount', 'received'];

/** Where each column is, -1 for an optional one that is absent; and how many cells a row must have. */
export interface ColumnIndex {
  readonly at: Readonly<Record<Column, number>>;
  readonly width: number;
}

/**
 * The positions of the columns in a header row, matched by name, never by position. Names are compared
 * without surrounding tabs and spaces, with ASCII parentheses and colons read as the full-width ones
 * Alipay writes (`订单金额(元)` is `订单金额（元）`).
 * @throws BillUnreadable when the row names no bill column, lacks a required one, or names one twice
 */
export function columnIndex(names: readonly string[], line: number): ColumnIndex {
  const normalised = names.map(normalise);
  const at = {} as Record<Column, number>;
  const missing: string[] = [];
  for (const [key, name] of Object.entries(COLUMNS) as Array<[Column, string]>) {
    const first = normalised.indexOf(name);
    if (first >= 0 && normalised.indexOf(name, first + 1) >= 0) {
      throw new BillUnreadable(`the bill's header row (line ${line}) names ${name} twice`);
    }
    at[key] = first;
    if (first < 0 && REQUIRED.includes(key)) missing.push(name);
  }
  if (missing.length === REQUIRED.length) {
    throw new BillUnreadable(
      `the bill's detail file has no header row: line ${line}, the first that is not a # comment, names none of ${REQUIRED.map((key) => COLUMNS[key]).join(', ')}`,
    );
  }
  if (missing.length > 0) throw new BillUnreadable(`the bill's header row (line ${line}) lacks the column ${missing.join(', ')}`);
  return { at, width: names.length };
}

function normalise(name: string): string {
  return name.trim().replaceAll('(', '（').replaceAll(')', '）').replaceAll(':', '：');
}
