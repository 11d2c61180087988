import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrunePaymentEvents } from '../../src/application/prune-payment-events.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { fixedClock, fromTestNow, TEST_NOW } from '../support/clock.ts';

const DAY_MS = 86_400_000;

describe('PrunePaymentEvents', () => {
  it('deletes the events older than the retention, in batches, and keeps the rest', async () => {
    const events = new InMemoryPaymentEventLog();
    for (let n = 0; n < 12_000; n++) await events.append({ orderId: 'OLD', at: fromTestNow(-31 * DAY_MS - n), kind: 'query', summary: '' });
    await events.append({ orderId: 'KEPT', at: fromTestNow(-29 * DAY_MS), kind: 'pay_url', summary: 'within 30 days' });
    const prune = new PrunePaymentEvents(events, 30, fixedClock(TEST_NOW));
    assert.equal(await prune.execute(), 12_000, 'three batches: 5,000, 5,000 and 2,000');
    assert.deepEqual(await events.listFor('OLD', 10), []);
    assert.deepEqual(
      (await events.listFor('KEPT', 10)).map((e) => e.summary),
      ['within 30 days'],
    );
    assert.equal(await prune.execute(), 0);
  });
});
