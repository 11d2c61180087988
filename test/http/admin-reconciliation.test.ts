import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { beforeEach, describe, it } from 'node:test';
import type { ReconciliationItem, ReconciliationRun } from '../../src/application/ports/reconciliation-store.ts';
import { KnexReconciliationStore } from '../../src/infrastructure/persistence/knex-reconciliation-store.ts';
import { anItem, aRun, counts } from '../contracts/reconciliation-store.contract.ts';
import { createTestAlipay } from '../support/alipay-signer.ts';
import { databaseHarnesses } from '../support/databases.ts';
import { ADMIN, appForSuite } from '../support/test-app.ts';

const alipay = createTestAlipay();
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ORDER = (i: number) => `20261130${String(i).padStart(15, '0')}`;

/** A day as the lead's use case would store it: a bit of every kind. */
function aDay(date: string): { run: ReconciliationRun; items: ReconciliationItem[] } {
  const items = [
    anItem('matched', ORDER(3), { tradeNo: '2026113022001400000000000003', localAmountFen: 8_880, billAmountFen: 8_880 }),
    anItem('matched', ORDER(1), { tradeNo: '2026113022001400000000000001', localAmountFen: 18_800, billAmountFen: 18_800 }),
    anItem('amount_mismatch', ORDER(5), { tradeNo: '2026113022001400000000000005', localAmountFen: 18_800, billAmountFen: 18_700 }),
    anItem('refund_matched', ORDER(1), {
      tradeNo: '2026113022001400000000000001',
      localAmountFen: -18_800,
      billAmountFen: -18_800,
      detail: '退款批次号 RF001',
      refundNo: 'RF001',
    }),
    anItem('repaired', ORDER(2), {
      tradeNo: '2026113022001400000000000002',
      localAmountFen: 9_999_999_999,
      billAmountFen: 9_999_999_999,
      detail: 'recorded after alipay.trade.query',
    }),
    anItem('missing_in_bill', ORDER(4), { tradeNo: '2026113022001400000000000004', localAmountFen: 100, billAmountFen: null }),
  ];
  const run = aRun(date, {
    counts: counts({ matched: 2, amount_mismatch: 1, refund_matched: 1, repaired: 1, missing_in_bill: 1 }),
    billTotals: { trades: { count: 4, amountFen: 10_000_045_479 }, refunds: { count: 1, amountFen: -18_800 } },
    localTotals: { count: 4, amountFen: 10_000_026_779 },
  });
  return { run, items };
}

for (const harness of databaseHarnesses) {
  describe(`the reconciliation admin pages on ${harness.name}`, () => {
    const suite = appForSuite(harness, { alipayPublicKeyPem: alipay.publicKeyPem });
    const store = () => new KnexReconciliationStore(suite.db.knex);
    const save = async (day: { run: ReconciliationRun; items: ReconciliationItem[] }) => store().save(day.run, day.items);
    const admin = async (path: string, authorization: string | null = basic(ADMIN.user, ADMIN.password)) => {
      const response = await fetch(suite.app.url + path, { headers: authorization ? { Authorization: authorization } : {} });
      const bytes = new Uint8Array(await response.arrayBuffer());
      return {
        status: response.status,
        headers: response.headers,
        bytes,
        // The day's cells name their column for a phone (data-label); these tests read the table as a table.
        body: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).replace(/ data-label="[^"]*"/g, ''),
      };
    };
    const link = (body: string, rel: 'previous' | 'next') =>
      body.match(new RegExp(`<a class="${rel}" href="([^"]+)"`))?.[1]?.replace(/&amp;/g, '&');
    const datesOn = (body: string) => [...body.matchAll(/<a href="\/admin\/reconciliation\/(\d{4}-\d{2}-\d{2})">/g)].map((m) => m[1]);
    const itemsOn = (body: string) =>
      [...body.matchAll(/<tr(?: class="needs-review")? id="item-\d+"><td>([^<]+)<\/td><td class="mono">(?:<a href="[^"]*">)?([^<]*)/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      );

    beforeEach(async () => {
      await suite.db.truncate();
    });

    it('asks for credentials on every reconciliation path', async () => {
      for (const path of ['/admin/reconciliation', '/admin/reconciliation/2026-11-30', '/admin/reconciliation/2026-11-30.csv']) {
        for (const authorization of [null, basic('admin', 'wrong')]) {
          const response = await admin(path, authorization);
          assert.equal(response.status, 401, `${path} ${authorization}`);
          assert.doesNotMatch(response.body, /对账/);
        }
      }
    });

    it('serves its pages never cached, framed or scripted, in the admin layout with 对账 in the nav', async () => {
      await save(aDay('2026-11-30'));
      for (const path of ['/admin/reconciliation', '/admin/reconciliation/2026-11-30', '/admin/reconciliation/2026-12-01']) {
        const response = await admin(path);
        assert.equal(response.headers.get('cache-control'), 'no-store', path);
        assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/, path);
        assert.match(response.body, /<a class="brand" href="\/admin\/payments">支付管理后台<\/a>/, path);
        assert.match(response.body, /<a href="\/admin\/reconciliation">对账<\/a>/, path);
        assert.doesNotMatch(response.body, /<script|style=/, path);
      }
    });

    it('explains, with no day reconciled yet, how to reconcile one and when the server does', async () => {
      const { status, body } = await admin('/admin/reconciliation');
      assert.equal(status, 200);
      assert.match(body, /还没有对账结果/);
      assert.match(body, /<code>npm run reconcile -- --date YYYY-MM-DD<\/code>/);
      assert.match(body, /RECONCILE_AT（默认北京时间 10:30）/);
      assert.equal(link(body, 'next'), undefined);
    });

    it('lists days newest first: status, counts by kind, bill totals against local totals, a link to each day', async () => {
      await save(aDay('2026-11-29'));
      await save({ ...aDay('2026-11-30'), run: { ...aDay('2026-11-30').run, deferred: 2, problems: ['line 9: not an amount'] } });
      await save({ run: aRun('2026-11-28', { counts: counts({ matched: 3 }), billTotals: null }), items: [] });
      const { status, body } = await admin('/admin/reconciliation');
      assert.equal(status, 200);
      assert.deepEqual(datesOn(body), ['2026-11-30', '2026-11-29', '2026-11-28']);
      for (const label of [
        '相符',
        '已补录',
        '本地缺失',
        '金额不符',
        '账单缺失',
        '未知订单',
        '退款相符',
        '退款金额不符',
        '退款状态不符',
        '未知退款',
        '账单缺失退款',
      ])
        assert.ok(body.includes(`<th>${label}</th>`), label);
      assert.ok(!body.includes('<th>退款（未核对）</th>'), 'no day shown counted the legacy kind');
      const [newest, , oldest] = body.split('<tr').slice(2);
      assert.match(
        newest!,
        /已对账<br><span class="attention">需核对 2 笔<\/span><br><span class="waiting">待处理 2 笔<\/span><br><span class="deferred">2 笔待次日账单确认<\/span>/,
      );
      assert.match(newest!, /账单有无法读取的行/);
      assert.match(
        newest!,
        /<td class="count-matched">2<\/td><td class="count-repaired">1<\/td><td class="count-repaired_for_review">0<\/td><td class="count-missing_locally">0<\/td><td class="count-amount_mismatch">1<\/td><td class="count-missing_in_bill">1<\/td><td class="count-unknown_order">0<\/td><td class="count-refund_matched">1<\/td><td class="count-refund_amount_mismatch">0<\/td><td class="count-refund_status_mismatch">0<\/td><td class="count-refund_unknown">0<\/td><td class="count-refund_missing_in_bill">0<\/td><td>交易 /,
      );
      assert.match(newest!, /交易 4 笔 ¥100,000,454.79 \/ 退款 1 笔 −¥188.00/);
      assert.match(newest!, /本地 4 笔 ¥100,000,267.79/);
      assert.match(newest!, /2026-11-30 10:30:00/, 'finished at, in Beijing time');
      assert.match(oldest!, /^>/, 'a day with nothing to look into is not highlighted');
      assert.match(oldest!, /账单未列合计/);
      assert.doesNotMatch(oldest!, /需核对|待次日/);
    });

    it('pages days with 下一页 and 上一页', async () => {
      for (const date of ['2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30']) await save({ run: aRun(date), items: [] });
      const first = await admin('/admin/reconciliation?limit=2');
      assert.deepEqual(datesOn(first.body), ['2026-11-30', '2026-11-29']);
      const second = await admin(link(first.body, 'next')!);
      assert.deepEqual(datesOn(second.body), ['2026-11-28', '2026-11-27']);
      assert.match(link(second.body, 'next')!, /limit=2/);
      const third = await admin(link(second.body, 'next')!);
      assert.deepEqual(datesOn(third.body), ['2026-11-26']);
      assert.equal(link(third.body, 'next'), undefined);
      assert.deepEqual(datesOn((await admin(link(third.body, 'previous')!)).body), ['2026-11-28', '2026-11-27']);
    });

    it('shows a day: its summary, then its items discrepancies first, each order linking to its timeline, amounts in yuan', async () => {
      await save(aDay('2026-11-30'));
      await save({ run: aRun('2026-11-29'), items: [anItem('matched', ORDER(9))] });
      const { status, body } = await admin('/admin/reconciliation/2026-11-30');
      assert.equal(status, 200);
      assert.match(body, /<h1>2026-11-30 对账结果<\/h1>/);
      assert.match(body, /交易 4 笔 ¥100,000,454.79 \/ 退款 1 笔 −¥188.00/);
      assert.match(body, /本地 4 笔 ¥100,000,267.79/);
      assert.deepEqual(itemsOn(body), [
        `退款相符 ${ORDER(1)}`,
        `已补录 ${ORDER(2)}`,
        `账单缺失 ${ORDER(4)}`,
        `金额不符 ${ORDER(5)}`,
        `相符 ${ORDER(1)}`,
        `相符 ${ORDER(3)}`,
      ]);
      assert.ok(body.includes(`<a href="/admin/orders/${ORDER(5)}">${ORDER(5)}</a>`));
      assert.match(
        body,
        /<tr class="needs-review" id="item-\d+"><td>金额不符<\/td>[\s\S]*?<td class="num">¥188.00<\/td><td class="num">¥187.00<\/td>/,
      );
      assert.match(
        body,
        /<td>退款相符<\/td>[\s\S]*?<td class="num">−¥188.00<\/td><td class="num">−¥188.00<\/td><td>退款批次号 RF001<\/td>/,
      );
      assert.match(body, /<td class="num">¥99,999,999.99<\/td>/);
      assert.ok(!body.includes(ORDER(9)), "another day's items stay on their day");
      assert.match(body, /<a class="csv" href="\/admin\/reconciliation\/2026-11-30.csv">导出 CSV<\/a>/);
      assert.match(body, /<a href="\/admin\/reconciliation\/2026-11-30\?kind=amount_mismatch">金额不符 1<\/a>/);
    });

    it('filters a day by kind and pages it, keeping the filter; a legacy kind of runs before refunds were compared too', async () => {
      const refunds = Array.from({ length: 5 }, (_, i) => anItem('refund', ORDER(10 + i), { billAmountFen: -(i + 1) * 100 }));
      await save({ run: aRun('2026-11-30'), items: [anItem('matched', ORDER(1)), ...refunds, anItem('unknown_order', ORDER(2))] });
      const first = await admin('/admin/reconciliation/2026-11-30?kind=refund&limit=2');
      assert.deepEqual(itemsOn(first.body), [`退款（未核对） ${ORDER(10)}`, `退款（未核对） ${ORDER(11)}`]);
      assert.match(first.body, /<option value="refund" selected>退款（未核对）<\/option>/);
      const next = link(first.body, 'next')!;
      assert.match(next, /kind=refund/);
      assert.match(next, /limit=2/);
      const second = await admin(next);
      assert.deepEqual(itemsOn(second.body), [`退款（未核对） ${ORDER(12)}`, `退款（未核对） ${ORDER(13)}`]);
      const third = await admin(link(second.body, 'next')!);
      assert.deepEqual(itemsOn(third.body), [`退款（未核对） ${ORDER(14)}`]);
      assert.equal(link(third.body, 'next'), undefined);
      assert.deepEqual(itemsOn((await admin(link(third.body, 'previous')!)).body), [
        `退款（未核对） ${ORDER(12)}`,
        `退款（未核对） ${ORDER(13)}`,
      ]);
      const all = await admin('/admin/reconciliation/2026-11-30?limit=3');
      assert.deepEqual(itemsOn(all.body), [`未知订单 ${ORDER(2)}`, `退款（未核对） ${ORDER(10)}`, `退款（未核对） ${ORDER(11)}`]);
      assert.match((await admin('/admin/reconciliation/2026-11-30?kind=missing_locally')).body, /没有符合条件的明细/);
    });

    it('exports a day as CSV with a BOM, amounts as numbers, and every text cell formula-safe', async () => {
      await save({
        run: aRun('2026-11-30'),
        items: [
          anItem('matched', ORDER(1), { tradeNo: 'T1', localAmountFen: 8_880, billAmountFen: 8_880 }),
          anItem('refund', ORDER(1), { tradeNo: 'T1', localAmountFen: null, billAmountFen: -8_880, detail: '=HYPERLINK("http://evil")' }),
          anItem('unknown_order', "=cmd|' /C calc'!A0", { tradeNo: '+1,2', localAmountFen: null, billAmountFen: 100, detail: '@SUM(A1)' }),
          anItem('amount_mismatch', ORDER(2), { tradeNo: '-2+3', localAmountFen: 100, billAmountFen: 99_999_999 }),
        ],
      });
      const response = await admin('/admin/reconciliation/2026-11-30.csv');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="reconciliation-2026-11-30.csv"/);
      assert.deepEqual([...response.bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.deepEqual(response.body.split('\r\n'), [
        '\uFEFF类型,订单号,支付宝交易号,本地金额（元）,账单金额（元）,说明,处理状态,处理说明',
        `退款（未核对）,${ORDER(1)},T1,,-88.80,"'=HYPERLINK(""http://evil"")",,`,
        `金额不符,${ORDER(2)},'-2+3,1.00,999999.99,,待处理,`,
        `未知订单,'=cmd|' /C calc'!A0,"'+1,2",,1.00,'@SUM(A1),待处理,`,
        `相符,${ORDER(1)},T1,88.80,88.80,,,`,
        '',
      ]);
      const refunds = await admin('/admin/reconciliation/2026-11-30.csv?kind=refund');
      assert.equal(refunds.body.trimEnd().split('\r\n').length, 1 + 1);
    });

    it('exports every item of a big day, past one batch', async () => {
      const items = Array.from({ length: 2_500 }, (_, i) => anItem('matched', ORDER(i)));
      await save({ run: aRun('2026-11-30'), items });
      const { body } = await admin('/admin/reconciliation/2026-11-30.csv');
      const lines = body.trimEnd().split('\r\n');
      assert.equal(lines.length, 1 + 2_500);
      assert.ok(lines[2_500]!.startsWith(`相符,${ORDER(2_499)},`));
    });

    it('answers a date that is not a real day, a bad kind or a bad cursor with 400', async () => {
      await save(aDay('2026-11-30'));
      for (const path of [
        '/admin/reconciliation/2026-02-30',
        '/admin/reconciliation/2026-13-01',
        '/admin/reconciliation/0000-01-01',
        '/admin/reconciliation/yesterday',
        '/admin/reconciliation/20261130',
        '/admin/reconciliation/2026-11-30x',
        '/admin/reconciliation/2026-02-30.csv',
        '/admin/reconciliation/%3Cscript%3E.csv',
        '/admin/reconciliation/2026-11-30?kind=lost',
        '/admin/reconciliation/2026-11-30?kind=refund&kind=matched',
        '/admin/reconciliation/2026-11-30.csv?kind=lost',
        '/admin/reconciliation/2026-11-30?after=bogus',
        '/admin/reconciliation/2026-11-30?limit=0',
        '/admin/reconciliation?after=bogus',
        '/admin/reconciliation?limit=201',
      ]) {
        const response = await admin(path);
        assert.equal(response.status, 400, path);
        assert.match(response.body, /查询参数错误/, path);
      }
    });

    it('answers a day never reconciled with 404 in the admin layout, saying how to reconcile it', async () => {
      const page = await admin('/admin/reconciliation/2026-12-01');
      assert.equal(page.status, 404);
      assert.match(page.body, /<a class="brand" href="\/admin\/payments">支付管理后台<\/a>/);
      assert.match(page.body, /没有这一天的对账结果/);
      assert.match(page.body, /npm run reconcile -- --date 2026-12-01/);
      assert.equal((await admin('/admin/reconciliation/2026-12-01.csv')).status, 404);
    });

    it('shows hostile order ids, trade_nos, details and problems as text, linking only real order ids', async () => {
      const hostile = '<script>alert("x")</script>';
      await save({
        run: aRun('2026-11-30', { problems: [`line 3: ${hostile}`] }),
        items: [anItem('unknown_order', hostile, { tradeNo: `"><img src=x>`, detail: hostile }), anItem('unknown_order', '../../payments')],
      });
      const { body } = await admin('/admin/reconciliation/2026-11-30');
      assert.ok(!body.includes('<script>alert'));
      assert.ok(!body.includes('<img src=x>'));
      assert.ok(body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
      assert.ok(body.includes('&quot;&gt;&lt;img src=x&gt;'));
      assert.ok(!/href="[^"]*(script|\.\.)/.test(body), 'no link made of a hostile id');
      assert.match(
        body,
        /<td class="mono"><a href="\/admin\/reconciliation\/2026-11-30\/items\/\d+">..\/..\/payments<\/a><\/td>/,
        'an order not ours: its row’s own page',
      );
    });
  });
}
