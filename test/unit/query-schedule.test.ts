import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClaimDueQueries } from '../../src/application/claim-due-queries.ts';
import { Money } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { PayMethod } from '../../src/domain/order-status.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';
import { formatDuration, parseDuration } from '../../src/infrastructure/durations.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryQueryQueue } from '../../src/infrastructure/in-memory/in-memory-query-queue.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEFAULT = new QuerySchedule([1, 5, 15, 60, 360, 1440].map((m) => m * MINUTE));
const ANCHOR = new Date('2026-11-30T02:00:00.000Z');
const after = (ms: number) => new Date(ANCHOR.getTime() + ms);

describe('QuerySchedule', () => {
  it('asks first one offset after the anchor', () => {
    assert.equal(DEFAULT.firstDue(ANCHOR).getTime(), ANCHOR.getTime() + MINUTE);
  });

  it('moves to the first slot later than the question just asked', () => {
    const offsets = [1, 5, 15, 60, 360, 1440].map((m) => m * MINUTE);
    for (const [i, offset] of offsets.entries()) {
      const next = DEFAULT.nextAfter(ANCHOR, after(offset));
      assert.equal(next?.getTime() ?? null, offsets[i + 1] === undefined ? null : ANCHOR.getTime() + offsets[i + 1]!, `after ${offset}`);
    }
  });

  it('skips every slot already past, so a late process asks once, not once per missed slot', () => {
    assert.equal(DEFAULT.nextAfter(ANCHOR, after(2 * HOUR))?.getTime(), ANCHOR.getTime() + 6 * HOUR);
    assert.equal(DEFAULT.nextAfter(ANCHOR, after(24 * HOUR)), null);
    assert.equal(DEFAULT.nextAfter(ANCHOR, after(-HOUR))?.getTime(), ANCHOR.getTime() + MINUTE, 'a clock behind the anchor');
  });

  it('refuses offsets that are empty, not ascending or not positive', () => {
    for (const bad of [[], [5, 1], [1, 1], [0, 1], [-1], [Number.NaN]]) {
      assert.throws(() => new QuerySchedule(bad), RangeError, JSON.stringify(bad));
    }
    assert.equal(new QuerySchedule([500]).horizonMs, 500);
  });
});

describe('durations in configuration', () => {
  it('reads ms, s, m, h and d, and nothing else', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('1m'), MINUTE);
    assert.equal(parseDuration('6h'), 6 * HOUR);
    assert.equal(parseDuration('1d'), 24 * HOUR);
    for (const bad of ['', '10', '1.5s', '-1s', '0s', '1 m', '1M', 's', '1w', '1m1s']) assert.equal(parseDuration(bad), null, bad);
  });

  it('prints a duration as configuration spells it', () => {
    assert.deepEqual([500, 10_000, 90_000, MINUTE, 6 * HOUR, 24 * HOUR].map(formatDuration), ['500ms', '10s', '90s', '1m', '6h', '1d']);
  });
});

describe('ClaimDueQueries on a fake clock', () => {
  function shop(schedule: QuerySchedule | null = DEFAULT) {
    let now = ANCHOR;
    const store = new InMemoryStore();
    const orders = new InMemoryOrderRepository(store);
    const claim = new ClaimDueQueries(new InMemoryQueryQueue(store), schedule, { now: () => now });
    const place = async (at: Date) => {
      const order = Order.place(
        `2026113010000000000${String(store.orders.size).padStart(4, '0')}`,
        Money.parse('1.00'),
        PayMethod.ALIPAY,
        at,
      );
      await orders.add(order);
      return order.id;
    };
    return { claim, place, setNow: (at: Date) => (now = at) };
  }

  it('asks about an order placed by other code at each slot of the default schedule: 6 questions in 24 h', async () => {
    const { claim, place, setNow } = shop();
    const orderId = await place(ANCHOR);
    const askedAt: number[] = [];
    for (let t = 0; t <= 30 * HOUR; t += 10_000) {
      setNow(after(t));
      for (const id of await claim.execute(8)) {
        assert.equal(id, orderId);
        askedAt.push(t / MINUTE);
      }
    }
    assert.deepEqual(askedAt, [1, 5, 15, 60, 360, 1440]);
  });

  it('keeps finding orders placed between two looks, even a little in the past', async () => {
    const { claim, place, setNow } = shop();
    setNow(after(0));
    await claim.execute(8);
    // Committed late by Meiduo: create_time five minutes before it becomes visible.
    const late = await place(after(5 * MINUTE));
    setNow(after(10 * MINUTE));
    assert.deepEqual(await claim.execute(8), [late]);
  });

  it('does nothing when the schedule is off', async () => {
    const { claim, place, setNow } = shop(null);
    await place(ANCHOR);
    setNow(after(HOUR));
    assert.deepEqual(await claim.execute(8), []);
  });
});
