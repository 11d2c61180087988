import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { beforeEach, describe, it } from 'node:test';
import type { ReconciliationItem } from '../../src/application/ports/reconciliation-store.ts';
import { KnexOperatorAccounts } from '../../src/infrastructure/persistence/knex-operator-accounts.ts';
import { KnexReconciliationStore } from '../../src/infrastructure/persistence/knex-reconciliation-store.ts';
import { ScryptPasswords } from '../../src/infrastructure/scrypt-passwords.ts';
import { anItem, aRun, counts } from '../contracts/reconciliation-store.contract.ts';
import { createTestAlipay } from '../support/alipay-signer.ts';
import { TEST_NOW } from '../support/clock.ts';
import { databaseHarnesses } from '../support/databases.ts';
import { ADMIN, appForSuite, seedOrder } from '../support/test-app.ts';

const alipay = createTestAlipay();
const AUTH = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
const DAY = '2026-11-30';
const ORDER = '20261130000000000000005';
const TRADE = '2026113022001400000000000005';
const FORGED = '<b>FORGED-9</b>';
const NOTE = '已在支付宝核对：账单金额为准，已联系顾客补差 ¥1.00';

/** A day with a discrepancy of one of our orders, a bill row naming no order of ours, and one that needs nobody. */
const aDay = () => aRun(DAY, { counts: counts({ amount_mismatch: 1, unknown_order: 1, matched: 1 }) });
const dayItems = (): ReconciliationItem[] => [
  anItem('amount_mismatch', ORDER, { tradeNo: TRADE, localAmountFen: 18_800, billAmountFen: 18_700 }),
  anItem('unknown_order', FORGED, { tradeNo: 'T-FORGED', billAmountFen: 100, detail: '商户订单号在本系统中不存在' }),
  anItem('matched', '20261130000000000000001'),
];

for (const harness of databaseHarnesses) {
  describe(`following up reconciliation discrepancies on ${harness.name}`, () => {
    const suite = appForSuite(harness, { alipayPublicKeyPem: alipay.publicKeyPem });
    const admin = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(suite.app.url + path, {
        redirect: 'manual',
        ...init,
        headers: { Authorization: AUTH, ...init.headers },
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    };
    const post = (fields: Record<string, string>, date = DAY) =>
      admin(`/admin/reconciliation/${date}/resolve`, {
        method: 'POST',
        body: new URLSearchParams(fields).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
      });
    /** The hidden fields of the 已处理 form of the row whose order id is `orderId`, as a browser would send them. */
    const formOf = (body: string, orderId: string) => {
      const forms = [...body.matchAll(/<form class="resolve"[^>]*>(.*?)<\/form>/gs)].map((m) => m[1]!);
      const fields = (form: string) =>
        Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, htmlText(m[2]!)]));
      return forms.map(fields).find((form) => form.order_id === orderId);
    };
    const htmlText = (html: string) =>
      html
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
    const resolutions = () => suite.db.knex('tb_reconciliation_resolution').select('kind', 'order_id', 'trade_no', 'resolved_by', 'note');
    const audit = () => suite.db.knex('tb_admin_audit').orderBy('id').select('actor', 'action', 'target', 'detail');

    beforeEach(async () => {
      await suite.db.truncate();
      await seedOrder(suite.db.knex, ORDER, '188.00');
      await new KnexReconciliationStore(suite.db.knex).save(aDay(), dayItems());
    });

    it('offers 已处理 on each waiting discrepancy of the day, and counts them on the payments page', async () => {
      const { status, body } = await admin(`/admin/reconciliation/${DAY}`);
      assert.equal(status, 200);
      assert.match(body, /待处理 2 笔/);
      const form = formOf(body, ORDER);
      assert.deepEqual(
        { ...form, _csrf: form?._csrf ? 'token' : '' },
        {
          _csrf: 'token',
          kind: 'amount_mismatch',
          order_id: ORDER,
          trade_no: TRADE,
          item_id: form?.item_id,
          from: 'day',
        },
      );
      assert.match(body, new RegExp(`<tr class="needs-review" id="item-${form?.item_id}">`));
      assert.ok(formOf(body, FORGED), 'a bill row naming no order of ours can be handled too');
      assert.equal(formOf(body, '20261130000000000000001'), undefined, 'a matched item needs nobody');
      assert.doesNotMatch(body, /tb_|<b>FORGED/);

      const payments = await admin('/admin/payments');
      assert.match(
        payments.body,
        new RegExp(`对账差异待处理：<a class="discrepancies" href="/admin/reconciliation/${DAY}" data-waiting="yes">2 笔</a>`),
      );
      assert.match((await admin('/admin/reconciliation')).body, /<span class="waiting">待处理 2 笔<\/span>/);
    });

    it('marks one handled with its note: back on its row, the audit, the counters and the order timeline show it', async () => {
      const form = formOf((await admin(`/admin/reconciliation/${DAY}`)).body, ORDER)!;
      const done = await post({ ...form, note: `  ${NOTE}\n` });
      assert.equal(done.status, 303);
      const back = `/admin/reconciliation/${DAY}?order=${ORDER}&resolved=${TRADE}#item-${form.item_id}`;
      assert.equal(done.headers.get('location'), back);
      assert.deepEqual(await resolutions(), [
        { kind: 'amount_mismatch', order_id: ORDER, trade_no: TRADE, resolved_by: ADMIN.user, note: NOTE },
      ]);
      assert.deepEqual(await audit(), [
        { actor: ADMIN.user, action: 'resolve_discrepancy', target: `${DAY} ${ORDER} ${TRADE}`, detail: NOTE },
      ]);

      const page = await admin(back.split('#')[0]!);
      assert.match(
        page.body,
        /class="notice">已将订单<span class="mono order-id">20261130000000000000005<\/span>的这条差异（金额不符）标记为已处理/,
      );
      assert.match(page.body, /只显示订单号为<span class="mono order-id">20261130000000000000005<\/span>的明细/);
      assert.match(
        page.body,
        new RegExp(`<strong>已处理</strong><span class="resolution">${ADMIN.user}（[0-9: -]+）：${NOTE.replace(/[()¥.]/g, '\\$&')}</span>`),
      );
      assert.equal(formOf(page.body, ORDER), undefined, 'no second form');
      assert.doesNotMatch(page.body, new RegExp(FORGED.replace(/[<>/]/g, '.')), 'the filter keeps to the order');
      assert.match((await admin('/admin/payments')).body, /对账差异待处理：<a class="discrepancies"[^>]*>1 笔/);
      assert.match((await admin(`/admin/audit`)).body, /对账差异已处理/);

      const timeline = await admin(`/admin/orders/${ORDER}`);
      assert.match(timeline.body, /<strong class="timeline-title">对账差异：金额不符（2026-11-30 账单）<\/strong>/);
      assert.match(timeline.body, /<dt>账单金额<\/dt><dd>¥187\.00<\/dd>/);
      assert.match(timeline.body, new RegExp(`<dt>处理说明</dt><dd class="mono">${NOTE.replace(/[()¥.]/g, '\\$&')}</dd>`));
      assert.ok(
        timeline.body.includes(
          `<a class="timeline-action" href="/admin/reconciliation/${DAY}?order=${ORDER}#item-${form.item_id}">查看对账明细</a>`,
        ),
      );

      const again = await post({ ...form, note: 'again' });
      assert.equal(again.status, 409);
      assert.match(again.body, /已由他人处理，或已不在该日的对账结果中/);
      assert.equal((await audit()).length, 1);
    });

    it('lists the refund discrepancies in Chinese, each to be handled; the order timeline shows them with the refund’s number', async () => {
      const refunds = [
        anItem('refund_matched', ORDER, { tradeNo: TRADE, localAmountFen: -1_000, billAmountFen: -1_000, refundNo: 'R-OK' }),
        anItem('refund_amount_mismatch', ORDER, { tradeNo: TRADE, localAmountFen: -500, billAmountFen: -600, refundNo: 'R-DIFF' }),
        anItem('refund_status_mismatch', ORDER, {
          tradeNo: TRADE,
          localAmountFen: -300,
          billAmountFen: -300,
          detail: '退款批次号 R-REFUSED；本系统记为退款失败；支付宝账单显示已退款，请核实，勿重复退款',
          refundNo: 'R-REFUSED',
        }),
        anItem('refund_unknown', '20261130000000000000002', { tradeNo: 'T-2', localAmountFen: null, billAmountFen: -100, refundNo: 'RF1' }),
        anItem('refund_missing_in_bill', ORDER, {
          tradeNo: TRADE,
          localAmountFen: -200,
          billAmountFen: null,
          detail: '本地于 2026-11-30 15:00:00 退款成功（退款请求号 R-GONE），账单中没有这笔退款',
          refundNo: 'R-GONE',
        }),
      ];
      const run = aRun(DAY, {
        counts: counts({
          refund_matched: 1,
          refund_amount_mismatch: 1,
          refund_status_mismatch: 1,
          refund_unknown: 1,
          refund_missing_in_bill: 1,
        }),
      });
      await new KnexReconciliationStore(suite.db.knex).save(run, refunds);
      const { body } = await admin(`/admin/reconciliation/${DAY}`);
      assert.match(body, /需核对 4 笔/);
      const rows = [...body.matchAll(/<tr( class="needs-review")? id="item-\d+"><td data-label="类型">([^<]+)<\/td>/g)].map(
        (m) => `${m[2]}${m[1] ? ' !' : ''}`,
      );
      assert.deepEqual(rows.sort(), ['未知退款 !', '账单缺失退款 !', '退款相符', '退款金额不符 !', '退款状态不符 !'].sort());
      assert.match(body, /<td class="num" data-label="本地金额">−¥5\.00<\/td><td class="num" data-label="账单金额">−¥6\.00<\/td>/);
      for (const kind of ['refund_matched', 'refund_amount_mismatch', 'refund_status_mismatch', 'refund_unknown', 'refund_missing_in_bill'])
        assert.ok(body.includes(`<option value="${kind}">`), kind);
      assert.ok(body.includes(`<a href="/admin/reconciliation/${DAY}?kind=refund_status_mismatch">退款状态不符 1</a>`));

      const forms = [...body.matchAll(/<input type="hidden" name="kind" value="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(forms.sort(), ['refund_amount_mismatch', 'refund_missing_in_bill', 'refund_status_mismatch', 'refund_unknown']);
      const form = [...body.matchAll(/<form class="resolve"[^>]*>(.*?)<\/form>/gs)]
        .map((m) =>
          Object.fromEntries([...m[1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((f) => [f[1]!, f[2]!])),
        )
        .find((fields) => fields.kind === 'refund_missing_in_bill')!;
      assert.equal((await post({ ...form, note: '支付宝次日账单列出了这笔退款' })).status, 303);
      assert.deepEqual(
        (await resolutions()).map((row) => row.kind),
        ['refund_missing_in_bill'],
      );

      const timeline = (await admin(`/admin/orders/${ORDER}`)).body;
      assert.match(timeline, /<strong class="timeline-title">对账差异：账单缺失退款（2026-11-30 账单）<\/strong>/);
      assert.match(timeline, /<strong class="timeline-title">对账差异：退款金额不符（2026-11-30 账单）<\/strong>/);
      assert.match(timeline, /<strong class="timeline-title">对账差异：退款状态不符（2026-11-30 账单）<\/strong>/);
      assert.match(timeline, /<dt>说明<\/dt><dd>退款批次号 R-REFUSED；本系统记为退款失败；支付宝账单显示已退款，请核实，勿重复退款<\/dd>/);
      assert.match(timeline, /<dt>退款请求号<\/dt><dd>R-GONE<\/dd>/);
      assert.match(timeline, /<dt>本地金额<\/dt><dd>−¥2\.00<\/dd>/);
      assert.doesNotMatch(timeline, /退款相符/, 'a matched refund is no discrepancy');
    });

    it('leads from a waiting discrepancy in the order timeline to its row', async () => {
      const timeline = await admin(`/admin/orders/${ORDER}`);
      assert.match(timeline.body, /<li class="timeline-needs-review">/);
      const link = timeline.body.match(/<a class="timeline-action" href="([^"]+)">去处理<\/a>/)?.[1];
      assert.match(link ?? '', new RegExp(`^/admin/reconciliation/${DAY}\\?order=${ORDER}#item-\\d+$`));
      const row = await admin(link!.split('#')[0]!);
      assert.ok(row.body.includes(`id="${link!.split('#')[1]}"`));
      assert.ok(formOf(row.body, ORDER));
    });

    it('refuses an empty note, a day that is not one, and a discrepancy the day does not have, writing nothing', async () => {
      const form = formOf((await admin(`/admin/reconciliation/${DAY}`)).body, ORDER)!;
      assert.equal((await post({ ...form, note: '  ' })).status, 400);
      assert.equal((await post({ ...form, note: 'x'.repeat(501) })).status, 400);
      assert.equal((await post({ ...form, note: NOTE }, '2026-02-30')).status, 400);
      const wrongs: Array<Record<string, string>> = [
        { kind: 'matched' },
        { kind: 'nonsense' },
        { trade_no: 'T-other' },
        { order_id: 'O-other' },
      ];
      for (const wrong of wrongs) {
        assert.equal((await post({ ...form, ...wrong, note: NOTE })).status, 409, JSON.stringify(wrong));
      }
      assert.equal((await post({ ...form, note: NOTE }, '2026-11-29')).status, 409);
      const { _csrf: _, ...withoutToken } = form;
      assert.equal((await post({ ...withoutToken, note: NOTE })).status, 403);
      assert.deepEqual(await resolutions(), []);
      assert.deepEqual(await audit(), []);
    });

    it("opens an unknown order's row on a page of its bill row's details, not an order timeline, and handles it there", async () => {
      const day = await admin(`/admin/reconciliation/${DAY}`);
      const link = day.body.match(/<a href="(\/admin\/reconciliation\/2026-11-30\/items\/\d+)">&lt;b&gt;FORGED-9&lt;\/b&gt;<\/a>/)?.[1];
      assert.ok(link, 'the unknown order links to its row’s page');
      assert.doesNotMatch(day.body, /\/admin\/orders\/[^"]*FORGED/);
      const page = await admin(link);
      assert.equal(page.status, 200);
      for (const fact of [
        '未知订单',
        '&lt;b&gt;FORGED-9&lt;/b&gt;',
        'T-FORGED',
        '1.00',
        '商户订单号在本系统中不存在',
        '2026-11-30 10:30:00',
        '待处理',
      ])
        assert.ok(page.body.includes(fact), fact);
      assert.match(page.body, /商户订单号在本系统中不存在，下面是账单这一行保留下来的全部内容/);
      assert.doesNotMatch(page.body, /tb_|查看订单时间线/);

      const form = formOf(page.body, FORGED)!;
      assert.equal(form.from, 'item');
      const done = await post({ ...form, note: '伪造的账单行，已报告支付宝' });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), `${link}?resolved=1`);
      const after = await admin(`${link}?resolved=1`);
      assert.match(after.body, /class="notice">已将这条差异标记为已处理/);
      assert.match(after.body, /伪造的账单行，已报告支付宝/);
      assert.equal(formOf(after.body, FORGED), undefined);

      assert.equal((await admin(`/admin/reconciliation/${DAY}/items/999999`)).status, 404);
      assert.equal((await admin(`/admin/reconciliation/${DAY}/items/x`)).status, 404);
      assert.equal((await admin(`/admin/reconciliation/2026-02-30/items/1`)).status, 400);
    });

    it('keeps a resolution across a re-run, and lists one the re-run no longer found, on the day and in the timeline', async () => {
      const form = formOf((await admin(`/admin/reconciliation/${DAY}`)).body, ORDER)!;
      await post({ ...form, note: NOTE });
      const store = new KnexReconciliationStore(suite.db.knex);
      await store.save(aDay(), dayItems());
      const rerun = await admin(`/admin/reconciliation/${DAY}`);
      assert.equal(formOf(rerun.body, ORDER), undefined, 'found again: still handled');
      assert.doesNotMatch(rerun.body, /重新对账后不再出现/);

      await store.save(aDay(), dayItems().slice(1));
      const gone = await admin(`/admin/reconciliation/${DAY}`);
      assert.match(gone.body, /<h2>已处理、但重新对账后不再出现的差异<\/h2>/);
      assert.match(
        gone.body,
        new RegExp(
          `<td data-label="原类型">金额不符</td><td class="mono" data-label="订单号"><a href="/admin/orders/${ORDER}">${ORDER}</a></td><td class="mono" data-label="支付宝交易号">${TRADE}</td>`,
        ),
      );
      const timeline = await admin(`/admin/orders/${ORDER}`);
      assert.match(timeline.body, /已处理；重新对账后不再出现这条差异/);
      assert.doesNotMatch(timeline.body, /class="timeline-action"/);
    });

    it('shows a viewer the discrepancies without the form, and refuses a viewer’s post', async () => {
      const viewer = { name: 'auditor', password: 'viewer-password-1' };
      const passwordHash = await new ScryptPasswords().hash(viewer.password);
      await new KnexOperatorAccounts(suite.db.knex).add({ name: viewer.name, role: 'viewer', passwordHash, at: TEST_NOW });
      const asViewer = { Authorization: `Basic ${Buffer.from(`${viewer.name}:${viewer.password}`).toString('base64')}` };
      const operatorForm = formOf((await admin(`/admin/reconciliation/${DAY}`)).body, ORDER)!;
      const day = await admin(`/admin/reconciliation/${DAY}`, { headers: asViewer });
      assert.equal(day.status, 200);
      assert.match(day.body, /待处理/);
      assert.doesNotMatch(day.body, /class="resolve"|标记为已处理/);
      const itemLink = day.body.match(/href="(\/admin\/reconciliation\/2026-11-30\/items\/\d+)"/)![1]!;
      assert.doesNotMatch((await admin(itemLink, { headers: asViewer })).body, /class="resolve"/);
      const refused = await admin(`/admin/reconciliation/${DAY}/resolve`, {
        method: 'POST',
        body: new URLSearchParams({ ...operatorForm, note: NOTE }).toString(),
        headers: { ...asViewer, 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
      });
      assert.equal(refused.status, 403);
      assert.deepEqual(await resolutions(), []);
    });

    it('narrows a day to one order id, refusing one longer than any', async () => {
      assert.equal((await admin(`/admin/reconciliation/${DAY}?order=${'x'.repeat(65)}`)).status, 400);
      const page = await admin(`/admin/reconciliation/${DAY}?order=${ORDER}`);
      assert.match(page.body, /<input type="hidden" name="order" value="20261130000000000000005">/);
      assert.equal([...page.body.matchAll(/<tr[^>]* id="item-/g)].length, 1);
    });
  });
}
