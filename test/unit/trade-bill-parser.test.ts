import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { BillUnreadable } from '../../src/application/errors.ts';
import { BILL_INFLATE_LIMITS, detailFileOf } from '../../src/infrastructure/alipay/bill/bill-zip.ts';
import { parseTradeBill, parseTradeBillCsv } from '../../src/infrastructure/alipay/bill/parse-trade-bill.ts';
import { tradeBillZip } from '../../src/sandbox/trade-bill-file.ts';
import { ALIPAY_COLUMNS, billRow, billZip, crlf, detailText, gbk, storedZip, utf8, zipHeaders } from '../support/trade-bill-fixtures.ts';

const UTF8_FLAG = 0x0800;
const beijing = (text: string) => new Date(`${text.replace(' ', 'T')}+08:00`);

// A day as Alipay bills it: two payments, one refunded the same day, CRLF, GBK, tabs after ids.
const DAY_LINES = [
  billRow({ tradeNo: '2026113022001400000000000001', outTradeNo: '20261130100000000000001', amount: '3798.00', fee: '-22.79' }),
  billRow({
    tradeNo: '2026113022001400000000000002',
    outTradeNo: '20261130100000000000002',
    amount: '88.80',
    created: '2026-11-30 23:59:58',
    finished: '2026-11-30 23:59:59',
    subject: '美多商城订单 20261130100000000000002',
    remark: '备注，可有可无',
  }),
  billRow({
    tradeNo: '2026113022001400000000000001',
    outTradeNo: '20261130100000000000001',
    kind: '退款',
    amount: '-3798.00',
    finished: '2026-11-30 18:00:00',
    refundNo: 'RF2026113000001',
  }),
];
const DAY_TOTALS = [
  '#交易合计：2笔，商家实收共3886.80元，商家优惠共0.00元',
  '#退款合计：1笔，商家实收退款共-3798.00元，商家优惠退款共0.00元',
];

function read(text: string): ReturnType<typeof parseTradeBillCsv> {
  return parseTradeBillCsv(gbk(text));
}

function unreadable(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof BillUnreadable, `a BillUnreadable, got ${String(error)}`);
    assert.equal(error.code, 'BILL_UNREADABLE');
    assert.equal(error.stage, 'file');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('reading Alipay’s daily trade bill', () => {
  it('reads a GBK zip whose GBK entry names carry no UTF-8 flag: the detail file, not the 汇总 one', () => {
    const zip = billZip(gbk(crlf(detailText({ lines: DAY_LINES, totals: DAY_TOTALS }))));
    const headers = zipHeaders(zip);
    assert.equal(headers.length, 2);
    for (const header of headers) {
      assert.equal(header.localFlags & UTF8_FLAG, 0, 'bit 11 clear in the local header');
      assert.equal(header.centralFlags & UTF8_FLAG, 0, 'bit 11 clear in the central directory');
    }
    assert.equal(iconv.decode(Buffer.from(headers[0]!.name), 'gbk'), '20880000000000020156_20261130_业务明细.csv');
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(headers[0]!.name), 'the name is GBK, not UTF-8');

    const bill = parseTradeBill(zip);
    assert.equal(bill.file, '20880000000000020156_20261130_业务明细.csv');
    assert.equal(bill.account, '20880000000000020156');
    assert.deepEqual(bill.period, { from: beijing('2026-11-30 00:00:00'), to: beijing('2026-12-01 00:00:00') });
    assert.deepEqual(bill.problems, []);
    assert.deepEqual(bill.totals, { trades: { count: 2, amountFen: 388_680 }, refunds: { count: 1, amountFen: -379_800 } });
    assert.deepEqual(bill.rows, [
      {
        line: 6,
        kind: 'trade',
        tradeNo: '2026113022001400000000000001',
        outTradeNo: '20261130100000000000001',
        amountFen: 379_800,
        receivedFen: 379_800,
        serviceFeeFen: -2279,
        subject: '美多商城',
        createdAt: beijing('2026-11-30 10:00:00'),
        finishedAt: beijing('2026-11-30 10:00:05'),
        refundBatchNo: null,
        remark: '',
      },
      {
        line: 7,
        kind: 'trade',
        tradeNo: '2026113022001400000000000002',
        outTradeNo: '20261130100000000000002',
        amountFen: 8880,
        receivedFen: 8880,
        serviceFeeFen: 0,
        subject: '美多商城订单 20261130100000000000002',
        createdAt: beijing('2026-11-30 23:59:58'),
        finishedAt: beijing('2026-11-30 23:59:59'),
        refundBatchNo: null,
        remark: '备注，可有可无',
      },
      {
        line: 8,
        kind: 'refund',
        tradeNo: '2026113022001400000000000001',
        outTradeNo: '20261130100000000000001',
        amountFen: -379_800,
        receivedFen: -379_800,
        serviceFeeFen: 0,
        subject: '美多商城',
        createdAt: beijing('2026-11-30 10:00:00'),
        finishedAt: beijing('2026-11-30 18:00:00'),
        refundBatchNo: 'RF2026113000001',
        remark: '',
      },
    ]);
  });

  it('reads LF as well as CRLF, a file without a BOM as GBK, and a UTF-8 file with or without a BOM', () => {
    const text = detailText({ lines: DAY_LINES, totals: DAY_TOTALS });
    const gbkBytes = gbk(crlf(text));
    assert.notDeepEqual([...gbkBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'Alipay writes no BOM');
    assert.ok(gbkBytes.includes(0x0d), 'CRLF');
    const expected = parseTradeBillCsv(gbkBytes);
    assert.equal(expected.rows.length, 3);
    for (const bytes of [gbk(text), utf8(`\ufeff${crlf(text)}`), utf8(text)]) {
      const bill = parseTradeBillCsv(bytes);
      assert.deepEqual(bill.rows, expected.rows);
      assert.deepEqual(bill.totals, expected.totals);
      assert.deepEqual(bill.problems, []);
    }
  });

  it('finds columns by header name, whatever their order, and takes ASCII parentheses for full-width ones', () => {
    const columns = [...ALIPAY_COLUMNS].reverse().map((name) => name.replace('（元）', '(元)'));
    const written = [...ALIPAY_COLUMNS].reverse();
    const text = detailText({
      columns,
      lines: [billRow({ tradeNo: '2026113022001400000000000009', outTradeNo: 'A9', amount: '12.30', received: '12.00' }, written)],
    });
    const bill = read(text);
    assert.deepEqual(bill.problems, []);
    assert.equal(bill.rows.length, 1);
    const [row] = bill.rows;
    assert.equal(row?.tradeNo, '2026113022001400000000000009');
    assert.equal(row?.outTradeNo, 'A9');
    assert.equal(row?.amountFen, 1230);
    assert.equal(row?.receivedFen, 1200);
    assert.deepEqual(row?.finishedAt, beijing('2026-11-30 10:00:05'));
  });

  it('reads an empty day: the header and no rows', () => {
    const bill = parseTradeBill(billZip(gbk(crlf(detailText({ lines: [] })))));
    assert.deepEqual(bill.rows, []);
    assert.deepEqual(bill.problems, []);
    assert.deepEqual(bill.totals, { trades: { count: 0, amountFen: 0 }, refunds: { count: 0, amountFen: 0 } });
  });

  it('reports each malformed row with its line and reads the rows around it', () => {
    const good = (n: number) => billRow({ tradeNo: `202611302200140000000000000${n}`, outTradeNo: `O${n}`, amount: '1.00' });
    const lines = [
      good(1), // line 6
      `${good(2)},extra`, // 7: a cell too many
      billRow({ tradeNo: 'T3', outTradeNo: 'O3', amount: '1.0.0' }), // 8
      billRow({ tradeNo: 'T4', outTradeNo: 'O4', amount: '1.00', kind: '冲正' }), // 9
      billRow({ tradeNo: '\t', outTradeNo: 'O5', amount: '1.00' }), // 10: only the tab
      billRow({ tradeNo: 'T6', outTradeNo: '', amount: '1.00' }), // 11
      billRow({ tradeNo: 'T7', outTradeNo: 'O7', amount: '1.00', finished: '2026-02-31 10:00:00' }), // 12
      billRow({ tradeNo: 'T8', outTradeNo: 'O8', amount: '-1.00' }), // 13: a 交易 row taking money out
      'T9,"O9,1.00', // 14: a quote never closed spoils its own line only
      good(5), // 15
      billRow({ tradeNo: 'T10', outTradeNo: 'O10', amount: '1.00', subject: '"苹果, 香蕉"' }), // 16: quoted comma
      billRow({ tradeNo: 'T11', outTradeNo: 'O11', amount: '1.00', fee: 'free' }), // 17
      billRow({ tradeNo: 'T12', outTradeNo: 'O12', amount: '1.00', kind: 'constructor' }), // 18
    ];
    const bill = read(detailText({ lines, totals: ['#交易合计：3笔，商家实收共3.00元，商家优惠共0.00元', '#退款合计：0笔'] }));
    assert.deepEqual(
      bill.rows.map((row) => [row.line, row.tradeNo, row.subject]),
      [
        [6, '2026113022001400000000000001', '美多商城'],
        [15, '2026113022001400000000000005', '美多商城'],
        [16, 'T10', '苹果, 香蕉'],
      ],
    );
    assert.deepEqual(
      bill.problems.map(({ line }) => line),
      [7, 8, 9, 10, 11, 12, 13, 14, 17, 18, 21],
    );
    const reason = (line: number) => bill.problems.find((problem) => problem.line === line)?.reason ?? '';
    assert.match(reason(7), /26 cells where the header names 25 columns/);
    assert.match(reason(8), /订单金额（元） "1\.0\.0" is not an amount/);
    assert.match(reason(9), /业务类型 "冲正" is neither 交易 nor 退款/);
    assert.match(reason(10), /no 支付宝交易号/);
    assert.match(reason(11), /no 商户订单号/);
    assert.match(reason(12), /完成时间 "2026-02-31 10:00:00"/);
    assert.match(reason(13), /-1\.00 on a 交易 row/);
    assert.match(reason(14), /not a CSV row|cells where/);
    assert.match(reason(17), /服务费/);
    assert.match(reason(18), /业务类型 "constructor" is neither/);
    assert.match(reason(21), /退款合计/, 'a total line without its figures');
    assert.equal(bill.totals, null, 'one total line unread: no totals');
  });

  it('accepts the other wordings of the total lines', () => {
    for (const [totals, expected] of [
      [
        ['#交易合计：2笔，交易额（元）：12.00', '#退款合计：1笔，退款额（元）：-2.50'],
        [1200, -250],
      ],
      [
        ['#交易合计：2笔，交易金额共12.00元，优惠金额共0元', '##退款合计：1笔，退款共-2.5元'],
        [1200, -250],
      ],
    ] as const) {
      const bill = read(detailText({ lines: [], totals }));
      assert.deepEqual(bill.totals, { trades: { count: 2, amountFen: expected[0] }, refunds: { count: 1, amountFen: expected[1] } });
      assert.deepEqual(bill.problems, []);
    }
    const onlyOne = read(detailText({ lines: [], totals: ['#交易合计：0笔，商家实收共0.00元'] }));
    assert.equal(onlyOne.totals, null);
    assert.match(onlyOne.problems[0]?.reason ?? '', /#交易合计 but no #退款合计/);
    assert.equal(read(detailText({ lines: [], totals: [] })).totals, null);
  });

  it('refuses a zip bomb as it inflates, past the ratio or the size a bill can have, and inflates nothing else', () => {
    const BOMB = 'bomb_20261130_业务明细.csv';
    const zeros = new Uint8Array(64 * 1024 * 1024); // deflates to about 64 KB: a thousand times
    const bomb = zipSync({ [BOMB]: [zeros, { level: 9 }] });
    assert.ok(bomb.length < 128 * 1024, `${bomb.length} bytes`);
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => detailFileOf(bomb), unreadable(new RegExp(`${BOMB} inflates past \\d+ bytes from \\d+ compressed: refused`)));
    // Uncapped, this measure grows by over 64 MB (the file itself); capped, by its limit and what the collector has not reclaimed yet.
    assert.ok(process.memoryUsage().arrayBuffers - before < 48 * 1024 * 1024, 'stopped near the limit, not after inflating it all');
    // A plain bill far under both limits reads as before; the same under a lowered size limit does not.
    const bill = zipSync({
      [BOMB]: [
        gbk(
          detailText({
            lines: [billRow({ tradeNo: '2026113022001000000000000001', outTradeNo: '20261130000000000000001', amount: '88.80' })],
          }),
        ),
        { level: 9 },
      ],
    });
    assert.equal(detailFileOf(bill).name, BOMB);
    assert.throws(() => detailFileOf(bill, { ...BILL_INFLATE_LIMITS, maxBytes: 100 }), unreadable(/inflates past 100 bytes/));
    // A second detail file is never inflated: refused for being two, whatever it holds.
    const twoBombs = zipSync({ [`a_${BOMB}`]: [gbk(detailText({ lines: [] })), { level: 9 }], [`b_${BOMB}`]: [zeros, { level: 9 }] });
    assert.throws(() => detailFileOf(twoBombs), unreadable(/2 detail files/));
  });

  it('reads an entry written with a data descriptor, whatever its bytes hold, by the central directory', () => {
    // Flag bit 3: sizes after the data, zero in the local header. Its bytes hold the descriptor's own
    // signature and a central header's: a reader that scans for signatures cuts the entry there.
    const data = new Uint8Array([...gbk('#支付宝业务明细查询\r\n'), 0x50, 0x4b, 0x07, 0x08, 0x50, 0x4b, 0x01, 0x02, ...gbk('x\r\n')]);
    const name = gbk('20880000000000020156_20261130_业务明细.csv');
    const u16 = (n: number) => [n & 0xff, n >> 8];
    const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
    const local = [...u32(0x04034b50), ...u16(20), ...u16(0x0008), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(0), ...u32(0)];
    const descriptor = [...u32(0x08074b50), ...u32(0), ...u32(data.length), ...u32(data.length)];
    const central = [...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(0x0008), ...u16(0), ...u16(0), ...u16(0), ...u32(0)];
    const sizes = [
      ...u32(data.length),
      ...u32(data.length),
      ...u16(name.length),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(0),
    ];
    const localHeader = [...local, ...u16(name.length), ...u16(0), ...name];
    const centralHeader = [...central, ...sizes, ...name];
    const centralAt = localHeader.length + data.length + descriptor.length;
    const end = [
      ...u32(0x06054b50),
      ...u16(0),
      ...u16(0),
      ...u16(1),
      ...u16(1),
      ...u32(centralHeader.length),
      ...u32(centralAt),
      ...u16(0),
    ];
    const zip = new Uint8Array([...localHeader, ...data, ...descriptor, ...centralHeader, ...end]);
    assert.deepEqual(detailFileOf(zip).bytes, data);
  });

  it('refuses a zip without the detail file, or with two, or no zip at all, saying what it holds', () => {
    const summaryOnly = storedZip([
      { name: gbk('20880000000000020156_20261130_业务明细(汇总).csv'), data: gbk('#支付宝业务汇总查询\r\n') },
    ]);
    assert.throws(
      () => parseTradeBill(summaryOnly),
      unreadable(/no …_业务明细\.csv detail file \(it holds 20880000000000020156_20261130_业务明细\(汇总\)\.csv\)/),
    );
    const detail = gbk(detailText({ lines: [] }));
    const twice = storedZip([
      { name: gbk('a_20261130_业务明细.csv'), data: detail },
      { name: gbk('b_20261130_业务明细.csv'), data: detail },
    ]);
    assert.throws(() => parseTradeBill(twice), unreadable(/2 detail files/));
    assert.throws(() => parseTradeBill(gbk(detailText({ lines: [] }))), unreadable(/not a zip archive/));
  });

  it('reads a zip whose names are flagged UTF-8, and a detail file inside a folder', () => {
    const detail = gbk(crlf(detailText({ lines: DAY_LINES, totals: DAY_TOTALS })));
    const zip = storedZip([
      { name: utf8('账单/20880000000000020156_20261130_业务明细.csv'), data: detail, utf8Flag: true },
      { name: utf8('账单/20880000000000020156_20261130_业务明细(汇总).csv'), data: gbk('#\r\n'), utf8Flag: true },
    ]);
    const bill = parseTradeBill(zip);
    assert.equal(bill.file, '账单/20880000000000020156_20261130_业务明细.csv');
    assert.equal(bill.rows.length, 3);
  });

  it('refuses a file without its header row or without a required column, naming it', () => {
    assert.throws(
      () => read('#支付宝业务明细查询\n#导出时间：[2026年12月01日 05:46:49]\n'),
      unreadable(/has no header row, only # comments/),
    );
    assert.throws(
      () => read(detailText({ header: false, lines: DAY_LINES })),
      unreadable(/no header row: line 5, the first that is not a # comment, names none of 支付宝交易号/),
    );
    const columns = ALIPAY_COLUMNS.filter((name) => name !== '商家实收（元）');
    assert.throws(() => read(detailText({ columns, lines: [] })), unreadable(/header row \(line 5\) lacks the column 商家实收（元）/));
    assert.throws(() => read(detailText({ columns: [...ALIPAY_COLUMNS, '商户订单号'], lines: [] })), unreadable(/names 商户订单号 twice/));
  });

  it('reads back what the sandbox writes (a round trip through its own writer)', () => {
    const at = (text: string) => beijing(text);
    const { fileName, zip } = tradeBillZip({
      account: '20880000000000010156',
      day: '2026-11-30',
      exportedAt: at('2026-12-01 05:00:00'),
      entries: [
        {
          kind: 'trade',
          tradeNo: '2026113022001000000000000001',
          outTradeNo: '20261130100000000000001',
          subject: '美多商城, "特价"',
          createdAt: at('2026-11-30 09:59:00'),
          finishedAt: at('2026-11-30 10:00:00'),
          amountFen: 8880,
          refundNo: '',
          counterparty: 'san***@sandbox.example',
        },
        {
          kind: 'refund',
          tradeNo: '2026113022001000000000000001',
          outTradeNo: '20261130100000000000001',
          subject: '美多商城',
          createdAt: at('2026-11-30 09:59:00'),
          finishedAt: at('2026-11-30 12:00:00'),
          amountFen: -8880,
          refundNo: 'RF1',
          counterparty: 'san***@sandbox.example',
        },
      ],
    });
    assert.equal(fileName, '20880000000000010156_20261130.csv.zip');
    const headers = zipHeaders(zip);
    assert.deepEqual(
      headers.map((header) => [
        iconv.decode(Buffer.from(header.name), 'gbk'),
        header.localFlags & UTF8_FLAG,
        header.centralFlags & UTF8_FLAG,
      ]),
      [
        ['20880000000000010156_20261130_业务明细.csv', 0, 0],
        ['20880000000000010156_20261130_业务明细(汇总).csv', 0, 0],
      ],
    );
    const bill = parseTradeBill(zip);
    assert.deepEqual(bill.problems, []);
    assert.equal(bill.account, '20880000000000010156');
    assert.deepEqual(bill.period, { from: at('2026-11-30 00:00:00'), to: at('2026-12-01 00:00:00') });
    assert.deepEqual(bill.totals, { trades: { count: 1, amountFen: 8880 }, refunds: { count: 1, amountFen: -8880 } });
    assert.deepEqual(
      bill.rows.map((row) => [
        row.kind,
        row.tradeNo,
        row.outTradeNo,
        row.amountFen,
        row.receivedFen,
        row.refundBatchNo,
        row.finishedAt,
        row.subject,
      ]),
      [
        ['trade', '2026113022001000000000000001', '20261130100000000000001', 8880, 8880, null, at('2026-11-30 10:00:00'), '美多商城 特价'],
        ['refund', '2026113022001000000000000001', '20261130100000000000001', -8880, -8880, 'RF1', at('2026-11-30 12:00:00'), '美多商城'],
      ],
    );
  });
});
