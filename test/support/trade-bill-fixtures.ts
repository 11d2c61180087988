import { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * Alipay's trade bill written by hand for the tests, independently of the sandbox's writer: CSV text
 * built line by line, and a zip of stored entries with the tests' own CRC.
 */

/** The detail file's 25 columns, in Alipay's order. */
export const ALIPAY_COLUMNS = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
] as const;

export interface FixtureRow {
  readonly tradeNo: string;
  readonly outTradeNo: string;
  readonly kind?: string;
  readonly amount: string;
  readonly received?: string;
  readonly created?: string;
  readonly finished?: string;
  readonly refundNo?: string;
  readonly subject?: string;
  readonly remark?: string;
  readonly fee?: string;
}

/** One data line, its cells placed by column name; ids, 业务类型 and store cells end with a tab, as Alipay's do. */
export function billRow(row: FixtureRow, columns: readonly string[] = ALIPAY_COLUMNS): string {
  const cells: Record<string, string> = {
    支付宝交易号: `${row.tradeNo}\t`,
    商户订单号: `${row.outTradeNo}\t`,
    业务类型: `${row.kind ?? '交易'}\t`,
    商品名称: row.subject ?? '美多商城',
    创建时间: row.created ?? '2026-11-30 10:00:00',
    完成时间: row.finished ?? '2026-11-30 10:00:05',
    门店编号: '\t',
    门店名称: '\t',
    操作员: '\t',
    终端号: '\t',
    对方账户: 'tes***@example.com\t',
    '订单金额（元）': row.amount,
    '商家实收（元）': row.received ?? row.amount,
    '支付宝红包（元）': '0.00',
    '集分宝（元）': '0.00',
    '支付宝优惠（元）': '0.00',
    '商家优惠（元）': '0.00',
    '券核销金额（元）': '0.00',
    券名称: '',
    '商家红包消费金额（元）': '0.00\t',
    '卡消费金额（元）': '0.00',
    '退款批次号/请求号': `${row.refundNo ?? ''}\t`,
    '服务费（元）': row.fee ?? '0.00',
    '分润（元）': '0.00',
    备注: row.remark ?? '',
  };
  return columns.map((column) => cells[column] ?? '').join(',');
}

export interface DetailOptions {
  readonly account?: string;
  /** yyyyMMdd written in Chinese in the period line. */
  readonly day?: string;
  readonly columns?: readonly string[];
  /** Data lines, as billRow writes them (or anything else). */
  readonly lines: readonly string[];
  /** The total lines after the end marker; Alipay's wording by default, from the lines given. */
  readonly totals?: readonly string[];
  readonly header?: boolean;
}

/** The detail file's text, lines joined by `\n` (callers pick CRLF with crlf()). */
export function detailText({
  account = '20880000000000020156',
  day = '2026-11-30',
  columns = ALIPAY_COLUMNS,
  lines,
  totals,
  header = true,
}: DetailOptions): string {
  const [y, m, d] = day.split('-');
  const next = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) + 1)).toISOString().slice(0, 10).split('-');
  return [
    '#支付宝业务明细查询',
    `#账号：[${account}]`,
    `#起始日期：[${y}年${m}月${d}日 00:00:00]   终止日期：[${next[0]}年${next[1]}月${next[2]}日 00:00:00]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    ...(header ? [columns.join(',')] : []),
    ...lines,
    '#-----------------------------------------业务明细列表结束------------------------------------',
    ...(totals ?? ['#交易合计：0笔，商家实收共0.00元，商家优惠共0.00元', '#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元']),
    '#导出时间：[2026年12月01日 05:46:49]',
    '',
  ].join('\n');
}

export const crlf = (text: string): string => text.replaceAll('\n', '\r\n');

export function gbk(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gbk'));
}

export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

export interface FixtureEntry {
  /** The name's bytes as they go into the zip. */
  readonly name: Uint8Array;
  readonly data: Uint8Array;
  /** Set general purpose bit 11 (the name is UTF-8); clear by default, as in Alipay's zips. */
  readonly utf8Flag?: boolean;
}

/** A zip of stored (uncompressed) entries: the simplest archive that unzip tools read. */
export function storedZip(entries: readonly FixtureEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const flags = entry.utf8Flag ? 0x0800 : 0;
    const crc = crc32(entry.data);
    const local = fields([
      [4, 0x04034b50],
      [2, 10],
      [2, flags],
      [2, 0],
      [2, 0],
      [2, 0x5b21],
      [4, crc],
      [4, entry.data.length],
      [4, entry.data.length],
      [2, entry.name.length],
      [2, 0],
    ]);
    parts.push(local, entry.name, entry.data);
    central.push(
      fields([
        [4, 0x02014b50],
        [2, 10],
        [2, 10],
        [2, flags],
        [2, 0],
        [2, 0],
        [2, 0x5b21],
        [4, crc],
        [4, entry.data.length],
        [4, entry.data.length],
        [2, entry.name.length],
        [2, 0],
        [2, 0],
        [2, 0],
        [2, 0],
        [4, 0],
        [4, offset],
      ]),
      entry.name,
    );
    offset += local.length + entry.name.length + entry.data.length;
  }
  const size = central.reduce((sum, part) => sum + part.length, 0);
  const end = fields([
    [4, 0x06054b50],
    [2, 0],
    [2, 0],
    [2, entries.length],
    [2, entries.length],
    [4, size],
    [4, offset],
    [2, 0],
  ]);
  return Buffer.concat([...parts, ...central, end]);
}

/** Alipay's zip of a day: the detail file given and a totals file, names in GBK without the UTF-8 flag. */
export function billZip(detail: Uint8Array, { account = '20880000000000020156', day = '20261130' } = {}): Uint8Array {
  return storedZip([
    { name: gbk(`${account}_${day}_业务明细.csv`), data: detail },
    { name: gbk(`${account}_${day}_业务明细(汇总).csv`), data: gbk('#支付宝业务汇总查询\r\n') },
  ]);
}

export interface ZipHeader {
  /** The entry name's bytes, from the central directory. */
  readonly name: Uint8Array;
  /** General purpose bit flags of the central directory header and of the local header. */
  readonly centralFlags: number;
  readonly localFlags: number;
}

/** Every entry of a zip, read from its end record and central directory. */
export function zipHeaders(zip: Uint8Array): ZipHeader[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error('no end of central directory record');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const headers: ZipHeader[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`no central header at ${at}`);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    if (view.getUint32(local, true) !== 0x04034b50) throw new Error(`no local header at ${local}`);
    headers.push({
      name: zip.subarray(at + 46, at + 46 + nameLength),
      centralFlags: view.getUint16(at + 8, true),
      localFlags: view.getUint16(local + 6, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return headers;
}

function fields(values: ReadonlyArray<readonly [2 | 4, number]>): Uint8Array {
  const bytes = new Uint8Array(values.reduce((sum, [size]) => sum + size, 0));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const [size, value] of values) {
    if (size === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value >>> 0, true);
    at += size;
  }
  return bytes;
}

/** CRC-32 bit by bit, without a table: slow, and not the sandbox's code. */
function crc32(data: Uint8Array): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
