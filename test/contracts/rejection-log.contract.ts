import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, beforeEach, describe, it } from 'node:test';
import { InvalidQuery } from '../../src/application/errors.ts';
import type { Clock } from '../../src/application/ports/clock.ts';
import type { OrderRepository } from '../../src/application/ports/order-repository.ts';
import type { Rejection, RejectionFilter, RejectionLog, RejectionRecord } from '../../src/application/ports/rejection-log.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { PayMethod } from '../../src/domain/order-status.ts';
import { TEST_NOW } from '../support/clock.ts';

/** A log and the orders it tells ours by, on one store. */
export interface RejectionLogStore {
  readonly log: RejectionLog;
  readonly orders: OrderRepository;
}

export interface RejectionLogHarness {
  readonly name: string;
  /** An empty log keeping at most maxRows rejections for at most maxAgeDays, by `clock`, and no orders. */
  create(retention: { maxRows: number; maxAgeDays: number }, clock: Clock): Promise<RejectionLogStore>;
  close(): Promise<void>;
}

const NOW = TEST_NOW.getTime();
const rejection = (n: number, extra: Partial<Rejection> = {}): Rejection => ({
  at: new Date(NOW - 1000 + n),
  channel: 'return',
  reason: 'INVALID_SIGNATURE',
  detail: 'invalid signature: does not verify',
  remoteAddress: '203.0.113.7',
  outTradeNo: `2026112600000000000${String(n).padStart(4, '0')}`,
  tradeNo: `T${n}`,
  params: `{"n":"${n}"}`,
  // Each message its own signature, as Alipay's are: a log may take two with one signature for one message.
  raw: new TextEncoder().encode(
    `out_trade_no=2026112600000000000${String(n).padStart(4, '0')}&trade_no=T${n}&sign=${encodeURIComponent(Buffer.from(`signature ${n}`).toString('base64'))}`,
  ),
  diagnosis: null,
  ...extra,
});
/** A query as a proxy may mangle it: bytes that are not UTF-8, a NUL, and a sign holding both '+' and '%2B'. */
const awkwardRaw = (): Uint8Array => {
  const head = new TextEncoder().encode('subject=');
  const sign = new TextEncoder().encode(`&sign=ab+cd%2Bef/gh==&body=${'x'.repeat(16_000)}`);
  return new Uint8Array([...head, 0xc3, 0x28, 0xff, 0xfe, 0x00, 0xd6, 0xd0, ...sign]);
};

export function describeRejectionLogContract(harness: RejectionLogHarness): void {
  describe(`RejectionLog contract: ${harness.name}`, () => {
    let log: RejectionLog;
    let orders: OrderRepository;
    let now: number;
    beforeEach(async () => {
      now = NOW;
      ({ log, orders } = await harness.create({ maxRows: 10, maxAgeDays: 30 }, { now: () => new Date(now) }));
    });
    after(() => harness.close());

    const recordMany = async (count: number) => {
      for (let n = 1; n <= count; n++) await log.record(rejection(n));
    };
    const tradeNos = (rows: readonly { tradeNo: string | null }[]) => rows.map((row) => row.tradeNo);
    const listed = async (filter: RejectionFilter) => tradeNos((await log.page(filter, { limit: 50 })).rows);
    const exported = async (filter: RejectionFilter) => {
      const rows: RejectionRecord[] = [];
      for await (const row of log.all(filter)) rows.push(row);
      return rows;
    };
    const placeOrder = (id: string) => orders.add(Order.place(id, Money.parse('88.80'), PayMethod.ALIPAY, new Date(NOW)));

    it('round-trips a rejection, newest first', async () => {
      await log.record(rejection(1));
      await log.record(rejection(2, { channel: 'notify', reason: 'NOT_OUR_MERCHANT', outTradeNo: null, tradeNo: null }));
      const { rows, next, previous } = await log.page({}, { limit: 50 });
      assert.equal(rows.length, 2);
      assert.deepEqual({ ...rows[1], id: undefined }, { ...rejection(1), id: undefined, replay: null, orderKnown: false });
      assert.equal(rows[0]!.reason, 'NOT_OUR_MERCHANT');
      assert.equal(rows[0]!.outTradeNo, null);
      assert.equal(next, null);
      assert.equal(previous, null);
    });

    it('keeps only the newest maxRows however many arrive', async () => {
      await recordMany(35);
      const { rows } = await log.page({}, { limit: 200 });
      assert.deepEqual(tradeNos(rows), ['T35', 'T34', 'T33', 'T32', 'T31', 'T30', 'T29', 'T28', 'T27', 'T26']);
    });

    it('hides rejections older than the retention age', async () => {
      await log.record(rejection(1, { at: new Date(NOW - 31 * 86_400_000) }));
      await log.record(rejection(2));
      assert.deepEqual(tradeNos((await log.page({}, { limit: 50 })).rows), ['T2']);
    });

    it('measures the retention age on its clock, not the system time', async () => {
      await recordMany(2);
      now += 31 * 86_400_000;
      assert.deepEqual(tradeNos((await log.page({}, { limit: 50 })).rows), []);
    });

    it('pages forward and back with stable cursors, down to exact multiples', async () => {
      await recordMany(6);
      const first = await log.page({}, { limit: 2 });
      assert.deepEqual(tradeNos(first.rows), ['T6', 'T5']);
      assert.equal(first.previous, null);
      const second = await log.page({}, { after: first.next!, limit: 2 });
      assert.deepEqual(tradeNos(second.rows), ['T4', 'T3']);
      const third = await log.page({}, { after: second.next!, limit: 2 });
      assert.deepEqual(tradeNos(third.rows), ['T2', 'T1']);
      assert.equal(third.next, null, 'an exact multiple has no empty last page');
      const back = await log.page({}, { before: third.previous!, limit: 2 });
      assert.deepEqual(tradeNos(back.rows), ['T4', 'T3']);
      const top = await log.page({}, { before: back.previous!, limit: 2 });
      assert.deepEqual(tradeNos(top.rows), ['T6', 'T5']);
      assert.equal(top.previous, null);
    });

    it("searches by any part of out_trade_no or trade_no from three characters, by the start below that (the ledger's rule)", async () => {
      await recordMany(3);
      await log.record(rejection(4, { tradeNo: '50%_off' }));
      await log.record(rejection(5, { tradeNo: '2026112622001400000000098765' }));
      assert.deepEqual(tradeNos((await log.page({ q: 'T2' }, { limit: 50 })).rows), ['T2']);
      assert.deepEqual(tradeNos((await log.page({ q: '20261126000000000000003' }, { limit: 50 })).rows), ['T3']);
      assert.deepEqual(tradeNos((await log.page({ q: '98765' }, { limit: 50 })).rows), ['2026112622001400000000098765'], 'the last digits');
      assert.deepEqual(tradeNos((await log.page({ q: '0003' }, { limit: 50 })).rows), ['T3'], 'inside out_trade_no');
      assert.deepEqual(tradeNos((await log.page({ q: '65' }, { limit: 50 })).rows), [], 'two characters: the start only');
      assert.deepEqual(tradeNos((await log.page({ q: '%_o' }, { limit: 50 })).rows), ['50%_off']);
      assert.deepEqual(tradeNos((await log.page({ q: '%' }, { limit: 50 })).rows), []);
      assert.deepEqual(tradeNos((await log.page({ q: '0%0' }, { limit: 50 })).rows), [], '% is literal');
      assert.deepEqual(tradeNos((await log.page({ q: 'T_' }, { limit: 50 })).rows), [], '_ is literal');
    });

    it('filters by channel', async () => {
      await log.record(rejection(1));
      await log.record(rejection(2, { channel: 'notify' }));
      await log.record(rejection(3));
      await log.record(rejection(4, { channel: 'notify' }));
      assert.deepEqual(await listed({ channel: 'notify' }), ['T4', 'T2']);
      assert.deepEqual(await listed({ channel: 'return' }), ['T3', 'T1']);
    });

    it('filters by reason', async () => {
      await log.record(rejection(1));
      await log.record(rejection(2, { reason: 'ORDER_NOT_FOUND' }));
      await log.record(rejection(3, { reason: 'SIGNATURE_REPAIRED' }));
      await log.record(rejection(4, { reason: 'ORDER_NOT_FOUND' }));
      assert.deepEqual(await listed({ reason: 'ORDER_NOT_FOUND' }), ['T4', 'T2']);
      assert.deepEqual(await listed({ reason: 'SIGNATURE_REPAIRED' }), ['T3']);
      assert.deepEqual(await listed({ reason: 'WRONG_CHANNEL' }), []);
    });

    it('filters by the time received: from inclusive, until exclusive, whatever the order of recording', async () => {
      const start = new Date(NOW - 3_600_000);
      const end = new Date(NOW - 1_800_000);
      await log.record(rejection(1, { at: new Date(start.getTime() - 1) }));
      await log.record(rejection(2, { at: start }));
      await log.record(rejection(3, { at: new Date(end.getTime() - 1) }));
      await log.record(rejection(4, { at: end }));
      await log.record(rejection(5, { at: new Date(start.getTime() + 1) })); // recorded late, received early
      assert.deepEqual(await listed({ from: start, until: end }), ['T5', 'T3', 'T2']);
      assert.deepEqual(await listed({ from: end }), ['T4']);
      assert.deepEqual(await listed({ until: start }), ['T1']);
    });

    it('combines every filter, and pages within them', async () => {
      const from = new Date(NOW - 3_600_000);
      const match = (n: number) => rejection(n, { channel: 'notify', reason: 'ORDER_NOT_FOUND', outTradeNo: `A${n}` });
      await log.record(match(1));
      await log.record(rejection(2, { channel: 'notify', reason: 'ORDER_NOT_FOUND', outTradeNo: 'B2' })); // not q
      await log.record(match(3));
      await log.record(rejection(4, { reason: 'ORDER_NOT_FOUND', outTradeNo: 'A4' })); // not the channel
      await log.record(rejection(5, { channel: 'notify', outTradeNo: 'A5' })); // not the reason
      await log.record({ ...match(6), at: new Date(from.getTime() - 1) }); // before from
      await log.record(match(7));
      await log.record(match(8));
      const filter: RejectionFilter = { q: 'A', channel: 'notify', reason: 'ORDER_NOT_FOUND', from, until: new Date(NOW + 1) };
      assert.deepEqual(await listed(filter), ['T8', 'T7', 'T3', 'T1']);
      const first = await log.page(filter, { limit: 3 });
      assert.deepEqual(tradeNos(first.rows), ['T8', 'T7', 'T3']);
      const second = await log.page(filter, { after: first.next!, limit: 3 });
      assert.deepEqual(tradeNos(second.rows), ['T1']);
      assert.equal(second.next, null);
      assert.deepEqual(tradeNos((await log.page(filter, { before: second.previous!, limit: 3 })).rows), ['T8', 'T7', 'T3']);
      assert.deepEqual(tradeNos(await exported(filter)), ['T8', 'T7', 'T3', 'T1']);
    });

    it('exports every matching row newest first with all(), across batches, within the ring and the retention age', async () => {
      ({ log, orders } = await harness.create({ maxRows: 1_500, maxAgeDays: 30 }, { now: () => new Date(now) }));
      await log.record(rejection(0, { at: new Date(NOW - 31 * 86_400_000) }));
      for (let n = 1; n <= 1_200; n++) await log.record(rejection(n, n % 3 ? {} : { channel: 'notify' }));
      const all = await exported({});
      assert.equal(all.length, 1_200, 'the expired one is left out');
      assert.deepEqual(
        all.map((row) => row.tradeNo),
        Array.from({ length: 1_200 }, (_, i) => `T${1_200 - i}`),
      );
      assert.equal(new Set(all.map((row) => row.id)).size, 1_200);
      const notifies = await exported({ channel: 'notify' });
      assert.equal(notifies.length, 400);
      assert.ok(notifies.every((row) => row.channel === 'notify'));
      assert.deepEqual(await exported({ q: 'nothing' }), []);
    });

    it('tells which out_trade_no is one of our orders, in every read, as the orders are now', async () => {
      const ours = rejection(1).outTradeNo!;
      await placeOrder(ours);
      await log.record(rejection(1));
      await log.record(rejection(2)); // shaped like an order id, but no order
      await log.record(rejection(3, { outTradeNo: null }));
      await log.record(rejection(4, { outTradeNo: `${ours}9` }));
      const known = (rows: readonly RejectionRecord[]) => rows.map((row) => [row.tradeNo, row.orderKnown]);
      assert.deepEqual(known((await log.page({}, { limit: 50 })).rows), [
        ['T4', false],
        ['T3', false],
        ['T2', false],
        ['T1', true],
      ]);
      assert.deepEqual(known(await exported({})), known((await log.page({}, { limit: 50 })).rows));
      assert.deepEqual(known(await log.forOrder(ours, 50)), [['T1', true]]);
      assert.deepEqual(known(await log.toReplay({})), [
        ['T1', true],
        ['T2', false],
        ['T3', false],
        ['T4', false],
      ]);
      await placeOrder(rejection(2).outTradeNo!);
      assert.deepEqual(known(await log.forOrder(rejection(2).outTradeNo!, 50)), [['T2', true]], 'an order placed since is ours');
    });

    it('keeps the received bytes whole, byte for byte, and the diagnosis', async () => {
      const raw = awkwardRaw();
      await log.record(rejection(1, { raw, diagnosis: 'plus_became_space' }));
      raw.fill(0); // the log keeps its own copy
      const [listed] = (await log.page({}, { limit: 50 })).rows;
      const [offered] = await log.toReplay({});
      for (const row of [listed, offered]) {
        assert.ok(row);
        assert.equal(Object.getPrototypeOf(row.raw), Uint8Array.prototype, 'a plain Uint8Array, whatever the driver returns');
        assert.deepEqual(row.raw, awkwardRaw());
        assert.equal(row.diagnosis, 'plus_became_space');
      }
    });

    it('offers refused callbacks for replay oldest first, without repaired ones, bytes-less ones or expired ones', async () => {
      await log.record(rejection(1));
      await log.record(rejection(2, { reason: 'SIGNATURE_REPAIRED', diagnosis: 'html_escaped' }));
      await log.record(rejection(3, { raw: new Uint8Array(0) })); // kept before the bytes were
      await log.record(rejection(4, { channel: 'notify', reason: 'ORDER_NOT_FOUND' }));
      await log.record(rejection(5, { at: new Date(NOW - 5_000) })); // recorded late, received first
      await log.record(rejection(6, { at: new Date(NOW - 31 * 86_400_000) }));
      const offered = await log.toReplay({});
      assert.deepEqual(tradeNos(offered), ['T5', 'T1', 'T4']);
      assert.deepEqual(
        offered.map((row) => row.replay),
        [null, null, null],
      );
      assert.equal(offered[2]!.channel, 'notify');
      now += 31 * 86_400_000;
      assert.deepEqual(await log.toReplay({}), [], 'the retention age applies to replays as to the page');
    });

    it('offers only those at or after since, or only the one with id', async () => {
      await recordMany(4);
      assert.deepEqual(tradeNos(await log.toReplay({ since: rejection(3).at })), ['T3', 'T4']);
      assert.deepEqual(tradeNos(await log.toReplay({ since: new Date(NOW + 60_000) })), []);
      const [, second] = await log.toReplay({});
      assert.deepEqual(tradeNos(await log.toReplay({ id: second!.id })), ['T2']);
      assert.deepEqual(tradeNos(await log.toReplay({ id: second!.id, since: rejection(3).at })), []);
      for (const id of ['999999', '0', '02', 'abc', '9999999999999999999']) assert.deepEqual(await log.toReplay({ id }), [], `id ${id}`);
    });

    it('remembers replays: a recovered callback is offered no more, one still refused is offered again', async () => {
      await recordMany(3);
      const [first, second] = await log.toReplay({});
      const at = new Date(NOW + 1_000);
      await log.markReplayed(first!.id, { at, outcome: 'recovered', detail: 'recorded' });
      await log.markReplayed(second!.id, { at, outcome: 'still_refused', detail: `INVALID_SIGNATURE: ${'x'.repeat(300)}` });
      const offered = await log.toReplay({});
      assert.deepEqual(tradeNos(offered), ['T2', 'T3']);
      assert.deepEqual(offered[0]!.replay, { at, outcome: 'still_refused', detail: `INVALID_SIGNATURE: ${'x'.repeat(300)}`.slice(0, 200) });
      assert.equal(offered[1]!.replay, null);
      assert.deepEqual(await log.toReplay({ id: first!.id }), []);
      const listed = (await log.page({}, { limit: 50 })).rows;
      assert.deepEqual(
        listed.map((row) => row.replay?.outcome ?? null),
        [null, 'still_refused', 'recovered'],
      );
    });

    it('offers a callback still refused under a configuration once, unless refused for an order that now exists', async () => {
      await log.record(rejection(1)); // a forgery naming order 1, which exists
      await log.record(rejection(2, { channel: 'notify', reason: 'ORDER_NOT_FOUND' })); // its order turns up later
      await log.record(rejection(3, { channel: 'notify', reason: 'ORDER_NOT_FOUND' })); // its order never does
      await placeOrder(rejection(1).outTradeNo!);
      const at = new Date(NOW + 1_000);
      const [t1, t2, t3] = await log.toReplay({ configuration: 'A' });
      await log.markReplayed(t1!.id, { at, outcome: 'still_refused', detail: 'INVALID_SIGNATURE: does not verify', configuration: 'A' });
      await log.markReplayed(t2!.id, { at, outcome: 'still_refused', detail: 'ORDER_NOT_FOUND: no such order', configuration: 'A' });
      await log.markReplayed(t3!.id, { at, outcome: 'still_refused', detail: 'ORDER_NOT_FOUND: no such order', configuration: 'A' });
      assert.deepEqual(tradeNos(await log.toReplay({ configuration: 'A' })), [], 'nothing new under A');
      assert.deepEqual(tradeNos(await log.toReplay({ configuration: 'B' })), ['T1', 'T2', 'T3'], 'all again under B');
      assert.deepEqual(tradeNos(await log.toReplay({})), ['T1', 'T2', 'T3'], 'all without a configuration');
      await placeOrder(rejection(2).outTradeNo!);
      assert.deepEqual(tradeNos(await log.toReplay({ configuration: 'A' })), ['T2'], 'its order exists now');
    });

    it('resumes strictly after the callback it is given, however many arrived at the same instant', async () => {
      for (let n = 1; n <= 5; n++) await log.record(rejection(n, { at: new Date(NOW) }));
      const all = await log.toReplay({});
      assert.deepEqual(tradeNos(all), ['T1', 'T2', 'T3', 'T4', 'T5']);
      assert.deepEqual(tradeNos(await log.toReplay({ after: { at: all[1]!.at, id: all[1]!.id } })), ['T3', 'T4', 'T5']);
      assert.deepEqual(await log.toReplay({ after: { at: all[4]!.at, id: all[4]!.id } }), []);
    });

    it('marks nothing in a slot the ring has reused, and a reused slot starts unmarked', async () => {
      await recordMany(10);
      const [oldest] = await log.toReplay({});
      for (const row of await log.toReplay({})) await log.markReplayed(row.id, { at: new Date(NOW), outcome: 'recovered', detail: '' });
      assert.deepEqual(await log.toReplay({}), []);
      await log.record(rejection(11)); // takes the slot of T1
      await log.markReplayed(oldest!.id, { at: new Date(NOW), outcome: 'still_refused', detail: 'stale' });
      const offered = await log.toReplay({});
      assert.deepEqual(tradeNos(offered), ['T11']);
      assert.equal(offered[0]!.replay, null);
      await log.markReplayed('abc', { at: new Date(NOW), outcome: 'recovered', detail: '' }); // not an id it gives: ignored
    });

    it('keeps the refusals whose signature verified apart: a flood of forgeries never evicts them, each ring bounded on its own', async () => {
      for (let n = 1; n <= 15; n++) await log.record(rejection(n, { reason: n % 3 === 0 ? 'ORDER_NOT_FOUND' : 'WRONG_CHANNEL' }));
      for (let n = 16; n <= 115; n++) await log.record(rejection(n)); // INVALID_SIGNATURE: a hundred forgeries
      const kept = (await log.page({}, { limit: 100 })).rows;
      assert.equal(kept.length, 20, 'ten of each ring');
      assert.deepEqual(
        tradeNos(kept.filter((row) => row.reason !== 'INVALID_SIGNATURE')).sort(),
        ['T10', 'T11', 'T12', 'T13', 'T14', 'T15', 'T6', 'T7', 'T8', 'T9'],
        'the newest ten Alipay-signed refusals, however many forgeries came after',
      );
      assert.deepEqual(tradeNos(kept.filter((row) => row.reason === 'INVALID_SIGNATURE')).slice(0, 3), ['T115', 'T114', 'T113']);
      const replayable = await log.toReplay({});
      assert.equal(replayable.length, 20);
      await log.markReplayed(replayable.find((row) => row.tradeNo === 'T15')!.id, { at: new Date(NOW), outcome: 'recovered', detail: '' });
      assert.ok(!tradeNos(await log.toReplay({})).includes('T15'), 'marks reach the verified ring too');
    });

    it('keeps a verified message once, however often it is replayed at us: the same bytes on the same channel', async () => {
      for (let n = 1; n <= 5; n++) await log.record(rejection(n, { reason: 'ORDER_NOT_FOUND' }));
      const captured = rejection(6, { reason: 'WRONG_CHANNEL' });
      for (let n = 0; n < 50; n++) await log.record({ ...captured, at: new Date(NOW + n) });
      await log.record({ ...captured, channel: 'notify' });
      // The same signed content, reordered, with empty pairs added and the signature's '+' escaped: one message.
      const reordered = (extra: string) => new TextEncoder().encode(`trade_no=T6${extra}&out_trade_no=2026112600000000000006&sign=c2%2Bl`);
      for (const extra of ['', '&x1=', '&x2=&x3=']) await log.record({ ...captured, raw: reordered(extra) });
      await log.record({ ...captured, raw: new TextEncoder().encode('out_trade_no=2026112600000000000006&trade_no=T6&sign=c2+l') });
      const kept = (await log.page({}, { limit: 100 })).rows;
      assert.deepEqual(tradeNos(kept), ['T6', 'T6', 'T6', 'T5', 'T4', 'T3', 'T2', 'T1'], 'once per channel and signature; nothing evicted');
      for (let n = 0; n < 3; n++) await log.record(rejection(7));
      assert.equal((await log.page({ reason: 'INVALID_SIGNATURE' }, { limit: 100 })).rows.length, 3, 'forgeries have their own ring');
      now = NOW + 31 * 86_400_000;
      await log.record({ ...captured, at: new Date(now) });
      assert.deepEqual(tradeNos((await log.page({}, { limit: 100 })).rows), ['T6'], 'kept again once the first copy aged out');
    });

    it('stays a ring under a flood of ten times maxRows, and offers only what it kept', async () => {
      await recordMany(100);
      const { rows } = await log.page({}, { limit: 200 });
      assert.equal(rows.length, 10);
      assert.deepEqual(tradeNos(await log.toReplay({})), ['T91', 'T92', 'T93', 'T94', 'T95', 'T96', 'T97', 'T98', 'T99', 'T100']);
    });

    it("finds one order's rejections by its exact out_trade_no, the newest limit of them oldest first", async () => {
      const orderId = rejection(1).outTradeNo!;
      await log.record(rejection(1));
      await log.record(rejection(2));
      await log.record(rejection(3, { outTradeNo: orderId, at: new Date(NOW - 5_000) })); // recorded late, received first
      await log.record(rejection(4, { outTradeNo: orderId, channel: 'notify', reason: 'ORDER_NOT_FOUND' }));
      await log.record(rejection(5, { outTradeNo: `${orderId}9` }));
      await log.record(rejection(6, { outTradeNo: null }));
      const found = await log.forOrder(orderId, 50);
      assert.deepEqual(tradeNos(found), ['T3', 'T1', 'T4']);
      assert.deepEqual({ ...found[1], id: undefined }, { ...rejection(1), id: undefined, replay: null, orderKnown: false });
      assert.equal(found[2]!.channel, 'notify');
      assert.deepEqual(tradeNos(await log.forOrder(orderId, 2)), ['T1', 'T4'], 'the newest two');
      for (const notExact of [orderId.slice(0, -1), `${orderId.slice(0, -1)}_`, `${orderId.slice(0, -1)}%`, 'T1', ''])
        assert.deepEqual(await log.forOrder(notExact, 50), [], notExact);
      // T1 and T3 did not verify (INVALID_SIGNATURE), T4 did (ORDER_NOT_FOUND).
      assert.deepEqual(tradeNos(await log.forOrder(orderId, 50, true)), ['T4'], 'only those whose signature verified');
      assert.deepEqual(tradeNos(await log.forOrder(orderId, 50, false)), ['T3', 'T1'], 'only those whose did not');
      await log.record(rejection(7, { outTradeNo: orderId, reason: 'MALFORMED_CALLBACK' }));
      assert.equal(await log.countUnverifiedForOrder(orderId), 3);
      assert.equal(await log.countUnverifiedForOrder(`${orderId}9`), 1);
      assert.equal(await log.countUnverifiedForOrder('20990101000000000000000'), 0);
    });

    it("keeps an order's rejections to the ring and the retention age", async () => {
      const orderId = rejection(1).outTradeNo!;
      await log.record(rejection(1, { at: new Date(NOW - 31 * 86_400_000) }));
      await log.record(rejection(2, { outTradeNo: orderId }));
      assert.deepEqual(tradeNos(await log.forOrder(orderId, 50)), ['T2']);
      for (let n = 3; n <= 12; n++) await log.record(rejection(n)); // ten more overwrite every slot
      assert.deepEqual(await log.forOrder(orderId, 50), []);
      await log.record(rejection(13, { outTradeNo: orderId }));
      now += 31 * 86_400_000;
      assert.deepEqual(await log.forOrder(orderId, 50), [], 'measured on its clock');
    });

    it('refuses a cursor it did not make', async () => {
      await assert.rejects(log.page({}, { after: 'bm90IGEgY3Vyc29y', limit: 2 }), InvalidQuery);
    });

    it('refuses its own cursor edited to a seq it never gives, before it reaches a database', async () => {
      await recordMany(3);
      const made = Buffer.from((await log.page({}, { limit: 1 })).next!, 'base64url').toString();
      for (const seq of ['0', '02', '9223372036854775808', '9999999999999999999']) {
        const edited = Buffer.from(made.replace(/\d+/, seq)).toString('base64url');
        await assert.rejects(log.page({}, { after: edited, limit: 2 }), InvalidQuery, seq);
        await assert.rejects(log.page({}, { before: edited, limit: 2 }), InvalidQuery, seq);
      }
    });
  });
}
