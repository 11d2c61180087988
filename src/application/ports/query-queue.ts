import type { QuerySchedule } from '../../domain/query-schedule.ts';

/** One order whose question to Alipay is due, claimed by this process alone. */
export interface ClaimedQuery {
  readonly orderId: string;
  readonly anchor: Date;
}

/** Which unpaid Alipay orders to ask Alipay about, and when; shared by every process on one database. */
export interface QueryQueue {
  /**
   * A pay URL was issued: ask about the order again from the start of the schedule, anchored at `at`.
   * A question already due sooner stays due: anyone may ask for pay URLs, and none may hold off a question.
   */
  restart(orderId: string, at: Date, schedule: QuerySchedule): Promise<void>;
  /**
   * Queues the UNPAID Alipay orders placed after `placedAfter` (and by `now`) that are not queued yet,
   * anchored at their create_time: orders that Meiduo's own code placed are asked about too. Stops
   * asking about due orders that are no longer UNPAID Alipay orders.
   * @returns how many orders it queued
   */
  discover(placedAfter: Date, now: Date, schedule: QuerySchedule): Promise<number>;
  /**
   * Claims up to `limit` questions due at `now`, oldest first, and moves each to its next slot in the
   * same atomic step, so that a question is claimed once across all processes. Only UNPAID Alipay
   * orders are claimed.
   */
  claimDue(now: Date, limit: number, schedule: QuerySchedule): Promise<ClaimedQuery[]>;
  /** Stops asking about an order: it is paid, or this pay attempt was closed (until the next restart). */
  finish(orderId: string, at: Date): Promise<void>;
}
