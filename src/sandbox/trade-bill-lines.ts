import { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';
import { beijingMidnight, beijingTimestamp } from '../domain/beijing-time.ts';

// The lines of Alipay's daily trade bill, as Alipay writes them: the rows, the comment lines around
// them, the summary file's text, and GBK.

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

/** 交易合计 and 退款合计: how many rows of each kind, and their amounts (fen, refunds negative). */
export interface BillTotals {
  readonly trades: { count: number; fen: number };
  readonly refunds: { count: number; fen: number };
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

/** The detail file's lines before its rows. */
export function detailHead(account: string, day: string): string[] {
  return ['#支付宝业务明细查询', `#账号：[${account}]`, period(day), `#${DASHES_41}业务明细列表${'-'.repeat(40)}`, DETAIL_HEADER.join(',')];
}

/** The detail file's lines after its rows. */
export function detailFoot({ trades, refunds }: BillTotals, exportedAt: Date): string[] {
  return [
    `#${DASHES_41}业务明细列表结束${'-'.repeat(36)}`,
    `#交易合计：${trades.count}笔，商家实收共${yuan(trades.fen)}元，商家优惠共0.00元`,
    `#退款合计：${refunds.count}笔，商家实收退款共${yuan(refunds.fen)}元，商家优惠退款共0.00元`,
    `#导出时间：[${chinese(exportedAt)}]`,
  ];
}

/** beijingTimestamp, remembering the last second: a day's rows come in time order, a dozen a second. */
class Timestamps {
  private second = Number.NaN;
  private text = '';

  of(at: Date): string {
    const second = Math.floor(at.getTime() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = beijingTimestamp(at);
    }
    return this.text;
  }
}
const created = new Timestamps();
const finished = new Timestamps();

export function detailRow(entry: BillEntry): string {
  const amount = yuan(entry.amountFen);
  return [
    entry.tradeNo + TAB,
    entry.outTradeNo + TAB,
    (entry.kind === 'trade' ? '交易' : '退款') + TAB,
    text(entry.subject),
    created.of(entry.createdAt),
    finished.of(entry.finishedAt),
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

export function summaryText(account: string, day: string, { trades, refunds }: BillTotals, exportedAt: Date): string {
  const net = yuan(trades.fen + refunds.fen);
  return crlf([
    '#支付宝业务汇总查询',
    `#账号：[${account}]`,
    period(day),
    `#${DASHES_41}业务汇总列表${'-'.repeat(40)}`,
    SUMMARY_HEADER.join(','),
    ['合计', '', trades.count, refunds.count, net, net, '0.00', '0.00', '0.00', '0.00', '0.00', net].join(','),
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

/** Signed yuan with two decimals: `88.80`, `-0.01`. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const magnitude = Math.abs(fen);
  return `${sign}${Math.trunc(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

export function crlf(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}

const NOT_ASCII = /\P{ASCII}+/gu;
// The bill's few Chinese words (交易, 退款, the subjects' 美多商城订单) come back on every row: encoded once.
const gbkRuns = new Map<string, Uint8Array>();

/**
 * `value` in GBK. ASCII is ASCII in GBK, so only the runs of other characters go through iconv-lite,
 * each once: a million rows encode in a fraction of the time iconv-lite takes over the whole text.
 */
export function gbk(value: string): Uint8Array {
  const out = Buffer.allocUnsafe(value.length * 2);
  let at = 0;
  let from = 0;
  for (const match of value.matchAll(NOT_ASCII)) {
    at += out.write(value.slice(from, match.index), at, 'latin1');
    const run = match[0];
    let bytes = gbkRuns.get(run);
    if (bytes === undefined) {
      bytes = new Uint8Array(iconv.encode(run, 'gbk') as Buffer);
      if (gbkRuns.size < 10_000) gbkRuns.set(run, bytes);
    }
    out.set(bytes, at);
    at += bytes.length;
    from = match.index + run.length;
  }
  at += out.write(value.slice(from), at, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, at);
}
