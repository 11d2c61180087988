import type { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';
import { beijingMidnight, beijingTimestamp } from '../domain/beijing-time.ts';
import { zipArchive } from './zip-writer.ts';

/** One row of the detail file: a payment (交易) or a refund (退款) of one. */
export interface BillEntry {
  readonly kind: 'trade' | 'refund';
  readonly tradeNo: string;
  readonly outTradeNo: string;
  readonly subject: string;
  readonly createdAt: Date;
  /** When paid, or refunded. */
  readonly finishedAt: Date;
  /** Fen: positive for a trade, negative for a refund. */
  readonly amountFen: number;
  /** 退款批次号/请求号 of a refund; '' for a trade. */
  readonly refundNo: string;
  /** 对方账户, masked as Alipay shows a buyer. */
  readonly counterparty: string;
}

export interface BillFileInput {
  /** 账号: the merchant's Alipay user id and `0156`, as in Alipay's file names. */
  readonly account: string;
  /** The Beijing day, `yyyy-MM-dd`. */
  readonly day: string;
  readonly entries: readonly BillEntry[];
  readonly exportedAt: Date;
}

const DETAIL_HEADER = [
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
];
const SUMMARY_HEADER = [
  '门店编号',
  '门店名称',
  '交易订单总笔数',
  '退款订单总笔数',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '卡消费金额（元）',
  '服务费（元）',
  '分润（元）',
  '实收净额（元）',
];
const DASHES_41 = '-'.repeat(41);
const TAB = '\t';

/**
 * Alipay's daily trade bill zip, written as Alipay writes it: `<account>_<yyyyMMdd>_业务明细.csv` and
 * `…_业务明细(汇总).csv`, GBK with CRLF, `#` comment lines, ids and text cells ending in a tab, refunds
 * negative, the totals lines, entry names in GBK without the zip UTF-8 flag. Independent of the
 * service's reader, which it exists to exercise.
 */
export function tradeBillZip(input: BillFileInput): { fileName: string; zip: Uint8Array } {
  const digits = input.day.replaceAll('-', '');
  const stem = `${input.account}_${digits}`;
  const files: Array<[string, string]> = [
    [`${stem}_业务明细.csv`, detailText(input)],
    [`${stem}_业务明细(汇总).csv`, summaryText(input)],
  ];
  const zip = zipArchive(files.map(([name, text]) => ({ name: gbk(name), data: gbk(text), modified: input.exportedAt })));
  return { fileName: `${stem}.csv.zip`, zip };
}

function detailText({ account, day, entries, exportedAt }: BillFileInput): string {
  const trades = entries.filter((entry) => entry.kind === 'trade');
  const refunds = entries.filter((entry) => entry.kind === 'refund');
  return crlf([
    '#支付宝业务明细查询',
    `#账号：[${account}]`,
    period(day),
    `#${DASHES_41}业务明细列表${'-'.repeat(40)}`,
    DETAIL_HEADER.join(','),
    ...entries.map(detailRow),
    `#${DASHES_41}业务明细列表结束${'-'.repeat(36)}`,
    `#交易合计：${trades.length}笔，商家实收共${yuan(sum(trades))}元，商家优惠共0.00元`,
    `#退款合计：${refunds.length}笔，商家实收退款共${yuan(sum(refunds))}元，商家优惠退款共0.00元`,
    `#导出时间：[${chinese(exportedAt)}]`,
  ]);
}

function detailRow(entry: BillEntry): string {
  const amount = yuan(entry.amountFen);
  return [
    entry.tradeNo + TAB,
    entry.outTradeNo + TAB,
    (entry.kind === 'trade' ? '交易' : '退款') + TAB,
    text(entry.subject),
    beijingTimestamp(entry.createdAt),
    beijingTimestamp(entry.finishedAt),
    TAB, // 门店编号
    TAB, // 门店名称
    TAB, // 操作员
    TAB, // 终端号
    text(entry.counterparty) + TAB,
    amount, // 订单金额
    amount, // 商家实收: the sandbox gives no discounts
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '', // 券名称
    `0.00${TAB}`,
    '0.00',
    entry.refundNo + TAB,
    '0.00', // 服务费: the sandbox charges none
    '0.00',
    '', // 备注
  ].join(',');
}

function summaryText({ account, day, entries, exportedAt }: BillFileInput): string {
  const trades = entries.filter((entry) => entry.kind === 'trade').length;
  const net = yuan(sum(entries));
  return crlf([
    '#支付宝业务汇总查询',
    `#账号：[${account}]`,
    period(day),
    `#${DASHES_41}业务汇总列表${'-'.repeat(40)}`,
    SUMMARY_HEADER.join(','),
    ['合计', '', trades, entries.length - trades, net, net, '0.00', '0.00', '0.00', '0.00', '0.00', net].join(','),
    `#${'-'.repeat(40)}业务汇总列表结束${'-'.repeat(37)}`,
    `#导出时间：[${chinese(exportedAt)}]`,
  ]);
}

function period(day: string): string {
  return `#起始日期：[${chinese(beijingMidnight(day))}]   终止日期：[${chinese(beijingMidnight(day, 1))}]`;
}

/** `2026年11月30日 10:15:00`, Beijing time. */
function chinese(at: Date): string {
  const [date, time] = beijingTimestamp(at).split(' ') as [string, string];
  const [year, month, day] = date.split('-');
  return `${year}年${month}月${day}日 ${time}`;
}

/** A text cell: Alipay's rows are one line each and quote nothing, so line breaks and commas become spaces. */
function text(value: string): string {
  return value
    .replace(/[\r\n,"]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function sum(entries: readonly BillEntry[]): number {
  return entries.reduce((total, entry) => total + entry.amountFen, 0);
}

/** Signed yuan with two decimals: `88.80`, `-0.01`. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const magnitude = Math.abs(fen);
  return `${sign}${Math.trunc(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

function crlf(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}

function gbk(value: string): Uint8Array {
  return new Uint8Array(iconv.encode(value, 'gbk') as Buffer);
}
