import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, beforeEach, describe, it } from 'node:test';
import { InvalidQuery } from '../../src/application/errors.ts';
import type { Page, PageRequest } from '../../src/application/ports/paging.ts';
import type {
  ItemCounts,
  ReconciliationItem,
  ReconciliationRun,
  ReconciliationStore,
  StoredItem,
} from '../../src/application/ports/reconciliation-store.ts';
import { ITEM_KINDS, type ItemKind } from '../../src/domain/reconciliation.ts';

export interface ReconciliationStoreHarness {
  readonly name: string;
  /** A fresh, empty store. */
  create(): Promise<ReconciliationStore>;
  close(): Promise<void>;
}

const DAY = '2026-11-30';
const MAX_FEN = 9_999_999_999; // 99,999,999.99 yuan: numeric(10,2)'s largest

export function counts(partial: Partial<Record<ItemKind, number>> = {}): ItemCounts {
  return Object.fromEntries(ITEM_KINDS.map((kind) => [kind, partial[kind] ?? 0])) as ItemCounts;
}

export function aRun(date = DAY, changes: Partial<ReconciliationRun> = {}): ReconciliationRun {
  return {
    date,
    finishedAt: new Date(`${date}T02:30:00.123Z`),
    counts: counts({ matched: 2, refund: 1 }),
    billTotals: { trades: { count: 2, amountFen: 37_600 }, refunds: { count: 1, amountFen: -18_800 } },
    localTotals: { count: 2, amountFen: 37_600 },
    deferred: 0,
    problems: [],
    ...changes,
  };
}

export function anItem(kind: ItemKind, orderId: string, changes: Partial<ReconciliationItem> = {}): ReconciliationItem {
  return {
    kind,
    orderId,
    tradeNo: `T-${orderId}`,
    localAmountFen: ['missing_locally', 'unknown_order', 'refund', 'refund_unknown'].includes(kind)
      ? null
      : kind.startsWith('refund')
        ? -18_800
        : 18_800,
    billAmountFen: kind === 'missing_in_bill' || kind === 'refund_missing_in_bill' ? null : kind.startsWith('refund') ? -18_800 : 18_800,
    detail: '',
    refundNo: kind.startsWith('refund') ? `RF-${orderId}` : null,
    ...changes,
  };
}

/** Every row of a listing, following `next` from the first page. */
async function all<T>(list: (request: PageRequest) => Promise<Page<T>>, limit: number): Promise<T[]> {
  const rows: T[] = [];
  let after: string | undefined;
  do {
    const page = await list({ after, limit });
    rows.push(...page.rows);
    after = page.next ?? undefined;
  } while (after);
  return rows;
}

const summary = (item: ReconciliationItem) => `${item.kind}:${item.orderId}`;

/** A stored item as it was saved, without what the store adds. */
export function asSaved({ id: _id, resolution: _resolution, ...item }: StoredItem): ReconciliationItem {
  return item;
}

export function describeReconciliationStoreContract(harness: ReconciliationStoreHarness): void {
  describe(`ReconciliationStore contract: ${harness.name}`, () => {
    let store: ReconciliationStore;
    beforeEach(async () => {
      store = await harness.create();
    });
    after(() => harness.close());

    // As saved: the id and resolution each stored item also has are the discrepancies contract's.
    const items = async (date: string, request: PageRequest, kind?: ItemKind) => {
      const page = await store.items(date, request, kind ? { kind } : undefined);
      return { ...page, rows: page.rows.map(asSaved) };
    };

    it('keeps a run as it was given: counts, totals with negative refunds, deferred, problems, finish time', async () => {
      const run = aRun(DAY, {
        counts: counts({
          matched: 5,
          repaired: 1,
          repaired_for_review: 8,
          missing_locally: 2,
          amount_mismatch: 3,
          missing_in_bill: 4,
          unknown_order: 6,
          refund: 7,
        }),
        billTotals: { trades: { count: 100_000, amountFen: 100_000 * MAX_FEN }, refunds: { count: 3, amountFen: -MAX_FEN } },
        localTotals: { count: 99_999, amountFen: 99_999 * MAX_FEN },
        deferred: 2,
        problems: ['line 7: 订单金额（元） is not an amount', 'line 9: too few columns "x"'],
      });
      await store.save(run, []);
      assert.deepEqual(await store.run(DAY), run);
      await store.save(aRun('2026-11-29', { billTotals: null }), []);
      assert.equal((await store.run('2026-11-29'))?.billTotals, null);
    });

    it('knows no run of a day never saved, nor of a day that is not one', async () => {
      assert.equal(await store.run(DAY), null);
      await store.save(aRun(), []);
      for (const date of ['2026-12-01', '2026-02-30', 'yesterday', '']) assert.equal(await store.run(date), null, date);
    });

    it('replaces a day whole on a re-run, leaving exactly the new items, and other days untouched', async () => {
      await store.save(aRun('2026-11-29'), [anItem('matched', 'A1')]);
      await store.save(aRun(DAY), [anItem('matched', 'B1'), anItem('amount_mismatch', 'B2'), anItem('refund', 'B3')]);
      const rerun = aRun(DAY, { counts: counts({ matched: 1, repaired: 1 }), deferred: 1, finishedAt: new Date('2026-12-01T02:31:00Z') });
      await store.save(rerun, [anItem('repaired', 'C2'), anItem('matched', 'C1')]);
      assert.deepEqual(await store.run(DAY), rerun);
      assert.deepEqual((await items(DAY, { limit: 50 })).rows.map(summary), ['repaired:C2', 'matched:C1']);
      assert.deepEqual((await items('2026-11-29', { limit: 50 })).rows.map(summary), ['matched:A1']);
      await store.save(aRun(DAY), []);
      assert.deepEqual((await items(DAY, { limit: 50 })).rows, [], 'a re-run with no items leaves none');
      assert.equal((await store.runs({ limit: 50 })).rows.length, 2);
    });

    it('survives two saves of one day at once: one of them, whole', async () => {
      const first = Array.from({ length: 30 }, (_, i) => anItem('matched', `F${String(i).padStart(2, '0')}`));
      const second = Array.from({ length: 20 }, (_, i) => anItem('refund', `S${String(i).padStart(2, '0')}`));
      await Promise.all([store.save(aRun(), first), store.save(aRun(), second)]);
      const kept = (await items(DAY, { limit: 200 })).rows;
      assert.ok(
        JSON.stringify(kept) === JSON.stringify(first) || JSON.stringify(kept) === JSON.stringify(second),
        `not one save whole: ${kept.length} items`,
      );
    });

    it('lists runs newest day first, paging both ways without an empty page after an exact multiple', async () => {
      for (const date of ['2026-11-28', '2026-12-01', '2026-11-30', '2026-11-29', '2025-12-31', '2026-01-01'])
        await store.save(aRun(date), []);
      const first = await store.runs({ limit: 2 });
      assert.deepEqual(
        first.rows.map((run) => run.date),
        ['2026-12-01', '2026-11-30'],
      );
      assert.equal(first.previous, null);
      const second = await store.runs({ after: first.next!, limit: 2 });
      assert.deepEqual(
        second.rows.map((run) => run.date),
        ['2026-11-29', '2026-11-28'],
      );
      const third = await store.runs({ after: second.next!, limit: 2 });
      assert.deepEqual(
        third.rows.map((run) => run.date),
        ['2026-01-01', '2025-12-31'],
      );
      assert.equal(third.next, null, 'no empty page after an exact multiple');
      const back = await store.runs({ before: third.previous!, limit: 2 });
      assert.deepEqual(back.rows, second.rows);
      const start = await store.runs({ before: back.previous!, limit: 2 });
      assert.deepEqual(start.rows, first.rows);
      assert.equal(start.previous, null);
      assert.deepEqual((await store.runs({ limit: 50 })).rows.length, 6);
    });

    it('lists an empty history as one empty page', async () => {
      assert.deepEqual(await store.runs({ limit: 10 }), { rows: [], next: null, previous: null });
    });

    it('refuses a runs cursor it did not make', async () => {
      await store.save(aRun(), []);
      const forged = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
      for (const after of [
        'bm90IGEgY3Vyc29y',
        forged(['2026-02-30']),
        forged(['2026-11-30', '1']),
        forged([20261130]),
        forged(["' OR 1=1"]),
      ]) {
        await assert.rejects(store.runs({ after, limit: 2 }), InvalidQuery, after);
        await assert.rejects(store.runs({ before: after, limit: 2 }), InvalidQuery, after);
      }
    });

    it('lists a day discrepancies first, then matched, each by order id, same order ids in the order given', async () => {
      await store.save(aRun(), [
        anItem('matched', 'O5'),
        anItem('refund', 'O4'),
        anItem('matched', 'O1'),
        anItem('amount_mismatch', 'O9'),
        anItem('repaired', 'O2'),
        anItem('missing_in_bill', 'O3'),
        anItem('matched', 'O4', { detail: 'the trade' }),
        anItem('refund', 'O4', { detail: 'second refund', tradeNo: 'T-O4' }),
        anItem('unknown_order', 'O0'),
        anItem('missing_locally', 'O8'),
      ]);
      const { rows } = await items(DAY, { limit: 50 });
      assert.deepEqual(rows.map(summary), [
        'unknown_order:O0',
        'repaired:O2',
        'missing_in_bill:O3',
        'refund:O4',
        'refund:O4',
        'missing_locally:O8',
        'amount_mismatch:O9',
        'matched:O1',
        'matched:O4',
        'matched:O5',
      ]);
      assert.equal(rows[4]!.detail, 'second refund');
    });

    it('pages a day both ways, across the border between discrepancies and matched', async () => {
      const given = [
        ...Array.from({ length: 7 }, (_, i) => anItem('matched', `M${i}`)),
        ...Array.from({ length: 6 }, (_, i) => anItem(ITEM_KINDS[1 + (i % 6)]!, `D${i}`)),
      ];
      await store.save(aRun(), given);
      const expected = [...given.slice(7), ...given.slice(0, 7)].map(summary);
      assert.deepEqual((await all((request) => items(DAY, request), 4)).map(summary), expected);
      assert.deepEqual((await all((request) => items(DAY, request), 13)).map(summary), expected);
      const first = await items(DAY, { limit: 5 });
      const second = await items(DAY, { after: first.next!, limit: 5 });
      const third = await items(DAY, { after: second.next!, limit: 5 });
      assert.equal(third.next, null);
      assert.deepEqual(third.rows.map(summary), expected.slice(10));
      const back = await items(DAY, { before: third.previous!, limit: 5 });
      assert.deepEqual(back.rows.map(summary), expected.slice(5, 10));
      const start = await items(DAY, { before: back.previous!, limit: 5 });
      assert.deepEqual(start.rows.map(summary), expected.slice(0, 5));
      assert.equal(start.previous, null);
    });

    it('filters a day by kind, paging within the kind', async () => {
      await store.save(aRun(), [
        anItem('refund', 'R3'),
        anItem('matched', 'M1'),
        anItem('refund', 'R1'),
        anItem('amount_mismatch', 'X1'),
        anItem('refund', 'R2'),
      ]);
      assert.deepEqual((await items(DAY, { limit: 50 }, 'refund')).rows.map(summary), ['refund:R1', 'refund:R2', 'refund:R3']);
      assert.deepEqual((await items(DAY, { limit: 50 }, 'matched')).rows.map(summary), ['matched:M1']);
      assert.deepEqual((await items(DAY, { limit: 50 }, 'unknown_order')).rows, []);
      const first = await items(DAY, { limit: 2 }, 'refund');
      const second = await items(DAY, { after: first.next!, limit: 2 }, 'refund');
      assert.deepEqual(second.rows.map(summary), ['refund:R3']);
      assert.equal(second.next, null);
      assert.deepEqual((await items(DAY, { before: second.previous!, limit: 2 }, 'refund')).rows.map(summary), ['refund:R1', 'refund:R2']);
    });

    it("lists no items for a day without a run, and only that day's", async () => {
      await store.save(aRun('2026-11-29'), [anItem('matched', 'A')]);
      assert.deepEqual(await items(DAY, { limit: 10 }), { rows: [], next: null, previous: null });
      assert.deepEqual(await items('2026-13-01', { limit: 10 }), { rows: [], next: null, previous: null });
    });

    it('refuses an items cursor it did not make', async () => {
      await store.save(aRun(), [anItem('matched', 'A'), anItem('matched', 'B')]);
      const forged = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
      for (const after of [
        'bm90IGEgY3Vyc29y',
        forged(['x', 'A', '1']),
        forged(['t', 'A', '0']),
        forged(['t', 'A', '-1']),
        forged(['t', 'A', 'one']),
        forged(['t', 'A']),
        forged(['t', 'x'.repeat(65), '1']),
        forged(['t', 'A\u0000', '1']),
        forged(['t', 1, '1']),
      ]) {
        await assert.rejects(items(DAY, { after, limit: 1 }), InvalidQuery, after);
        await assert.rejects(items(DAY, { before: after, limit: 1 }, 'matched'), InvalidQuery, after);
      }
    });

    it('keeps amounts exact to the fen, signed: refunds, zero, one fen, 99,999,999.99 either way, none', async () => {
      const amounts: Array<[number | null, number | null]> = [
        [MAX_FEN, MAX_FEN],
        [null, -MAX_FEN],
        [1, 0],
        [-1, null],
        [123_456_789, 123_456_788],
        [null, null],
      ];
      const given = amounts.map(([local, bill], i) => anItem('amount_mismatch', `A${i}`, { localAmountFen: local, billAmountFen: bill }));
      await store.save(aRun(), given);
      assert.deepEqual((await items(DAY, { limit: 50 })).rows, given);
    });

    it('keeps hostile text as given, cutting ids to 64 and details to 300 characters, and NUL to U+FFFD', async () => {
      const hostile = [
        '<script>alert("x")</script>',
        "'; DROP TABLE tb_payment; --",
        'NULL',
        '{a,"b"}\\',
        '=HYPERLINK("x")',
        '中文订单号',
        '😀',
      ];
      const given = hostile.map((text) => anItem('unknown_order', text, { tradeNo: text, detail: text }));
      await store.save(aRun(DAY, { problems: ['bad\u0000line', 'NULL'] }), [
        ...given,
        anItem('unknown_order', 'z'.repeat(70), { tradeNo: 'y'.repeat(70), detail: 'd'.repeat(400) }),
        anItem('unknown_order', 'zz\u0000', { tradeNo: 'nul\u0000', detail: 'nul\u0000' }),
      ]);
      const rows = await all((request) => items(DAY, request), 3);
      for (const item of given)
        assert.ok(
          rows.some((row) => JSON.stringify(row) === JSON.stringify(item)),
          item.orderId,
        );
      const long = rows.find((row) => row.orderId.startsWith('z') && row.orderId.length > 3)!;
      assert.equal(long.orderId, 'z'.repeat(64));
      assert.equal(long.tradeNo, 'y'.repeat(64));
      assert.equal(long.detail, 'd'.repeat(300));
      const nul = rows.find((row) => row.orderId.startsWith('zz\uFFFD'))!;
      assert.deepEqual([nul.tradeNo, nul.detail], ['nul\uFFFD', 'nul\uFFFD']);
      assert.deepEqual((await store.run(DAY))?.problems, ['bad\uFFFDline', 'NULL']);
    });

    it('saves, reads and replaces a day of 100,000 items', async () => {
      const many = Array.from({ length: 100_000 }, (_, i) =>
        anItem(
          i % 1000 === 0 ? 'amount_mismatch' : i % 3000 === 1 ? 'missing_in_bill' : 'matched',
          `2026113000000${String(i).padStart(10, '0')}`,
          {
            tradeNo: `20261130220014${String(i).padStart(14, '0')}`,
            localAmountFen: i,
            billAmountFen: i % 1000 === 0 ? i + 1 : i,
            detail: `bill line ${i + 5}`,
          },
        ),
      );
      await store.save(aRun(), many);
      const first = await items(DAY, { limit: 200 });
      assert.equal(first.rows.length, 200);
      assert.deepEqual(first.rows.slice(0, 2).map(summary), [
        'amount_mismatch:20261130000000000000000',
        'missing_in_bill:20261130000000000000001',
      ]);
      assert.equal((await items(DAY, { limit: 200 }, 'amount_mismatch')).rows.length, 100);
      assert.equal((await items(DAY, { limit: 200 }, 'missing_in_bill')).rows.length, 34);
      const last = await items(DAY, { before: Buffer.from(JSON.stringify(['t', 'zzzz', '1'])).toString('base64url'), limit: 1 });
      assert.deepEqual(last.rows, [many[99_999]]);
      await store.save(aRun(), many.slice(0, 3));
      assert.deepEqual((await items(DAY, { limit: 200 })).rows, many.slice(0, 3), 'the re-run replaced all 100,000');
    });
  });
}
