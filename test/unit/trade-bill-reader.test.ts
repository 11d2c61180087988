import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { BillUnreadable } from '../../src/application/errors.ts';
import type { BillRow, BillSummary } from '../../src/application/ports/trade-bill.ts';
import { BILL_INFLATE_LIMITS, inflatedSlices } from '../../src/infrastructure/alipay/bill/bill-inflate.ts';
import { MAX_LINE_CHARS } from '../../src/infrastructure/alipay/bill/bill-lines.ts';
import { MAX_PROBLEMS_LISTED } from '../../src/infrastructure/alipay/bill/bill-problems.ts';
import { readTradeBillChunks } from '../../src/infrastructure/alipay/bill/bill-reader.ts';
import { detailEntryOf } from '../../src/infrastructure/alipay/bill/bill-zip.ts';
import { parseTradeBill, parseTradeBillCsv, readTradeBill } from '../../src/infrastructure/alipay/bill/parse-trade-bill.ts';
import { billRow, billZip, crlf, detailText, gbk, utf8 } from '../support/trade-bill-fixtures.ts';

const FILE = '20880000000000020156_20261130_业务明细.csv';

interface Drained {
  readonly batches: BillRow[][];
  readonly summary: BillSummary;
}

function drain(batches: Generator<BillRow[], BillSummary, void>): Drained {
  const all: BillRow[][] = [];
  for (let next = batches.next(); ; next = batches.next()) {
    if (next.done) return { batches: all, summary: next.value };
    all.push(next.value);
  }
}

/** `bytes` cut into pieces of `size` bytes, copied so that no piece sees past its end. */
function* piecesOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

function deflatedZip(detail: Uint8Array): Uint8Array {
  return zipSync({ [FILE]: [detail, { level: 6 }] });
}

function unreadable(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof BillUnreadable, `a BillUnreadable, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

const row = (n: number, extra: Partial<Parameters<typeof billRow>[0]> = {}) =>
  billRow({
    tradeNo: `2026113022001${String(n).padStart(15, '0')}`,
    outTradeNo: `20261130${String(n).padStart(15, '0')}`,
    amount: `${(n % 500) + 1}.00`,
    subject: `美多商城订单 ${n} 号（测试）`,
    remark: n % 3 === 0 ? '备注：可有可无' : '',
    ...extra,
  });

/** What the rows say, without the Date objects' identity. */
const essence = (rows: readonly BillRow[]) => rows.map((r) => `${r.line} ${r.tradeNo} ${r.subject} ${r.remark} ${r.amountFen}`);

describe('reading a trade bill in batches (readTradeBill)', () => {
  it('yields full batches of batchRows, then the rest, and returns the totals written after the rows', () => {
    const lines = Array.from({ length: 12_001 }, (_, i) => row(i + 1));
    const totals = [
      '#交易合计：12001笔，商家实收共3014251.00元，商家优惠共0.00元',
      '#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元',
    ];
    const detail = gbk(crlf(detailText({ lines, totals })));
    for (const zip of [billZip(detail), deflatedZip(detail)]) {
      const { batches, summary } = drain(readTradeBill(zip, { batchRows: 5000 }));
      assert.deepEqual(
        batches.map((batch) => batch.length),
        [5000, 5000, 2001],
      );
      assert.deepEqual(
        batches.flat().map((r) => r.line),
        lines.map((_, i) => i + 6),
        'every row, in file order',
      );
      assert.equal(batches[2]!.at(-1)!.subject, '美多商城订单 12001 号（测试）');
      assert.deepEqual(summary.totals, { trades: { count: 12_001, amountFen: 301_425_100 }, refunds: { count: 0, amountFen: 0 } });
      assert.equal(summary.file, FILE);
      assert.equal(summary.account, '20880000000000020156');
      assert.equal(summary.rowCount, 12_001);
      assert.deepEqual(summary.problems, []);
      assert.equal(summary.problemCount, 0);
    }
  });

  it('hands over its first batch long before the file has been read, and holds no row it has yielded', () => {
    const detail = gbk(crlf(detailText({ lines: Array.from({ length: 3000 }, (_, i) => row(i + 1)) })));
    const pieces = [...piecesOf(detail, 4096)];
    let taken = 0;
    const counted = (function* () {
      for (const piece of pieces) {
        taken++;
        yield piece;
      }
    })();
    const batches = readTradeBillChunks(counted, FILE, 100);
    const first = batches.next();
    assert.equal(first.done, false);
    assert.equal((first.value as BillRow[]).length, 100);
    assert.ok(taken < pieces.length / 10, `${taken} of ${pieces.length} pieces read for the first batch`);
    const rest = drain(batches);
    assert.equal(rest.summary.rowCount, 3000);
    assert.equal(taken, pieces.length);
  });

  it('decodes GBK whose characters are cut by the chunks, wherever they are cut', () => {
    const text = crlf(detailText({ lines: Array.from({ length: 40 }, (_, i) => row(i + 1)) }));
    const detail = gbk(text);
    const expected = parseTradeBillCsv(detail, FILE);
    assert.equal(expected.rows.length, 40);
    assert.equal(expected.rows[4]?.subject, '美多商城订单 5 号（测试）');
    for (const size of [1, 2, 3, 5, 7, 333, 4095]) {
      const { batches, summary } = drain(readTradeBillChunks(piecesOf(detail, size), FILE, 7));
      assert.deepEqual(essence(batches.flat()), essence(expected.rows), `pieces of ${size} bytes`);
      assert.deepEqual(summary.totals, expected.totals);
      assert.equal(summary.problemCount, 0);
    }
    // Deflated, inflated from 7 compressed bytes at a time: the inflated pieces fall anywhere.
    const slices = [...inflatedSlices(detailEntryOf(deflatedZip(detail)), BILL_INFLATE_LIMITS, 7)];
    assert.ok(slices.length > 100, `${slices.length} inflated pieces`);
    const cuts: number[] = [];
    for (const piece of slices) cuts.push((cuts.at(-1) ?? 0) + piece.length);
    assert.ok(
      cuts.some((cut) => cutsGbkCharacter(detail, cut)),
      'some piece ends within a GBK character',
    );
    const inflated = drain(readTradeBill(deflatedZip(detail), { sliceBytes: 7, batchRows: 7 }));
    assert.deepEqual(essence(inflated.batches.flat()), essence(expected.rows));
  });

  it('decodes UTF-8 without a BOM whose characters are cut by the chunks, and with a BOM cut too', () => {
    const text = crlf(detailText({ lines: Array.from({ length: 80 }, (_, i) => row(i + 1)) }));
    const expected = parseTradeBillCsv(gbk(text), FILE).rows;
    for (const detail of [utf8(text), utf8(`\ufeff${text}`)]) {
      assert.ok(detail.length > 3 * 4096, 'decided part-way, not on the whole file');
      for (const size of [1, 2, 3, 5, 4096, 4097]) {
        const { batches, summary } = drain(readTradeBillChunks(piecesOf(detail, size), FILE, 9));
        assert.deepEqual(essence(batches.flat()), essence(expected), `pieces of ${size} bytes`);
        assert.equal(summary.problemCount, 0);
        assert.equal(summary.account, '20880000000000020156');
      }
      const inflated = drain(readTradeBill(deflatedZip(detail), { sliceBytes: 5 }));
      assert.deepEqual(essence(inflated.batches.flat()), essence(expected));
    }
  });

  it('reads a file whose first 64 KB are ASCII and whose later lines are GBK, or UTF-8', () => {
    const padding = Array.from({ length: 1000 }, (_, i) => `# padding line ${String(i).padStart(4, '0')} ${'-'.repeat(60)}`);
    const text = crlf(`${padding.join('\n')}\n${detailText({ lines: [row(1), row(2)] })}`);
    const asciiHead = gbk(text).findIndex((byte) => byte > 0x7f);
    assert.ok(asciiHead > 64 * 1024, `${asciiHead} ASCII bytes first`);
    for (const detail of [gbk(text), utf8(text)]) {
      for (const zip of [billZip(detail), deflatedZip(detail)]) {
        const bill = parseTradeBill(zip);
        assert.deepEqual(
          bill.rows.map((r) => [r.line, r.subject]),
          [
            [1006, '美多商城订单 1 号（测试）'],
            [1007, '美多商城订单 2 号（测试）'],
          ],
        );
        assert.equal(bill.account, '20880000000000020156');
        assert.deepEqual(bill.totals, { trades: { count: 0, amountFen: 0 }, refunds: { count: 0, amountFen: 0 } });
      }
    }
  });

  it('refuses a file taken for UTF-8 that later holds bytes that are not, or ends within a character', () => {
    const head = utf8(crlf(detailText({ lines: Array.from({ length: 40 }, (_, i) => row(i + 1)) })));
    const gbkTail = gbk(`${row(41)}\r\n`);
    const mixed = new Uint8Array([...head, ...gbkTail]);
    assert.throws(() => drain(readTradeBillChunks(piecesOf(mixed, 1024), FILE)), unreadable(/业务明细\.csv is not UTF-8 throughout/));
    assert.throws(() => parseTradeBill(deflatedZip(mixed)), unreadable(/is not UTF-8 throughout/));
    const cut = new Uint8Array([...head, ...utf8('美').subarray(0, 2)]);
    assert.throws(() => parseTradeBillCsv(cut), unreadable(/not UTF-8 throughout: it ends within a UTF-8 character/));
  });

  it('refuses a zip bomb as it inflates, handing on nothing past the limit', () => {
    const newlines = new Uint8Array(64 * 1024 * 1024).fill(0x0a); // blank lines: nothing for the reader to hold
    const bomb = zipSync({ [FILE]: [newlines, { level: 9 }] });
    assert.ok(bomb.length < 128 * 1024, `${bomb.length} bytes`);
    const refused = unreadable(new RegExp(`${FILE} inflates past \\d+ bytes from \\d+ compressed: refused`));
    assert.throws(() => drain(readTradeBill(bomb)), refused);
    const entry = detailEntryOf(bomb);
    const limit = entry.data.length * BILL_INFLATE_LIMITS.maxRatio;
    let handedOn = 0;
    assert.throws(() => {
      for (const piece of inflatedSlices(entry)) handedOn += piece.length;
    }, refused);
    assert.ok(handedOn <= limit, `${handedOn} bytes handed on, the limit is ${limit}`);
    assert.ok(handedOn > limit - 2 * 1024 * 1024, `${handedOn} bytes handed on: stopped near the limit, not before`);

    // A bill past a small size limit: its first rows come out, then it is refused, never read past the limit.
    const detail = gbk(crlf(detailText({ lines: Array.from({ length: 2000 }, (_, i) => row(i + 1)) })));
    const maxBytes = 64 * 1024;
    const batches = readTradeBill(deflatedZip(detail), { batchRows: 10, limits: { ...BILL_INFLATE_LIMITS, maxBytes } });
    let rows = 0;
    assert.throws(
      () => {
        for (let next = batches.next(); !next.done; next = batches.next()) rows += next.value.length;
      },
      unreadable(/inflates past 65536 bytes/),
    );
    const bytesPerRow = detail.length / 2000;
    assert.ok(rows > 0 && rows * bytesPerRow <= maxBytes, `${rows} rows of about ${Math.round(bytesPerRow)} bytes yielded first`);
  });

  it('lists the first 1,000 problems in line order and counts them all', () => {
    const lines: string[] = [];
    for (let n = 1; n <= 1500; n++) lines.push(n % 100 === 0 ? row(n) : row(n, { amount: 'x' }));
    const text = detailText({ lines }).replace('#起始日期：[2026年11月30日 00:00:00]', '#起始日期：[2026年11月31日 00:00:00]');
    const { batches, summary } = drain(readTradeBillChunks(piecesOf(gbk(text), 1000), FILE, 64));
    assert.equal(summary.rowCount, 15);
    assert.equal(batches.flat().length, 15);
    assert.equal(summary.problemCount, 1485 + 1, 'every bad row, and the period');
    assert.equal(summary.problems.length, MAX_PROBLEMS_LISTED);
    assert.equal(summary.problems[0]?.line, 3, 'the period line first, though read last');
    assert.match(summary.problems[0]?.reason ?? '', /the period/);
    const lineNumbers = summary.problems.map((problem) => problem.line);
    assert.deepEqual(
      lineNumbers,
      [...lineNumbers].sort((a, b) => a - b),
    );
    // Every 100th row is good: the 999 bad rows listed after the period are rows 1 to 1009, lines 6 to 1014.
    assert.equal(lineNumbers.at(-1), 1014);
    assert.equal(summary.period, null);
    const whole = parseTradeBillCsv(gbk(text), FILE);
    assert.equal(whole.problemCount, 1486);
    assert.equal(whole.problems.length, 1000);
    assert.equal(whole.rows.length, whole.rowCount);
  });

  it('refuses a line or # lines too long for a bill, without holding them whole', () => {
    const long = new Uint8Array(MAX_LINE_CHARS + 10).fill(0x41);
    assert.throws(
      () => drain(readTradeBillChunks(piecesOf(long, 64 * 1024), FILE)),
      unreadable(new RegExp(`has a line \\(line 1\\) longer than ${MAX_LINE_CHARS} characters`)),
    );
    const comments = gbk(`${'#支付宝业务明细查询\n'.repeat(200_000)}`);
    assert.throws(() => parseTradeBillCsv(comments, FILE), unreadable(/characters of # lines \(line \d+\): not a bill/));
  });

  it('takes only a whole number of rows above 0 for a batch', () => {
    const zip = billZip(gbk(detailText({ lines: [] })));
    for (const batchRows of [0, -1, 1.5, Number.NaN]) assert.throws(() => readTradeBill(zip, { batchRows }).next(), RangeError);
  });
});

/** Whether `offset` falls between the two bytes of a GBK character. */
function cutsGbkCharacter(bytes: Uint8Array, offset: number): boolean {
  let at = 0;
  while (at < offset) at += bytes[at]! > 0x80 ? 2 : 1;
  return at !== offset;
}

describe('reading a bill of hostile lines in bounded memory', () => {
  it('hands on the rows of very long lines before a batch of them is full', () => {
    const remark = 'x'.repeat(900_000);
    const lines = Array.from({ length: 12 }, (_, i) => row(i + 1, { remark }));
    const csv = utf8(crlf(detailText({ day: '2026-11-30', lines })));
    const { batches, summary } = drain(readTradeBillChunks(piecesOf(csv, 64 * 1024), FILE, 5000));
    assert.equal(summary.rowCount, 12);
    assert.ok(batches.length >= 2, `rows of 8 MB of lines go on at once, not when 5,000 are ready (${batches.length} batch)`);
    assert.ok(batches[0]!.length < 12);
  });

  it('cuts the cell it names in a reason: a megabyte in one cell is not kept a thousand times', () => {
    const lines = [row(1, { created: `2026-11-30 ${'9'.repeat(100_000)}` })];
    const { summary } = drain(readTradeBillChunks(piecesOf(utf8(crlf(detailText({ day: '2026-11-30', lines }))), 64 * 1024), FILE));
    assert.equal(summary.problems.length, 1);
    assert.ok(summary.problems[0]!.reason.length < 200, summary.problems[0]!.reason.slice(0, 300));
    assert.match(summary.problems[0]!.reason, /创建时间 "2026-11-30 9{53}…" is not a yyyy-MM-dd HH:mm:ss time/);
  });
});
