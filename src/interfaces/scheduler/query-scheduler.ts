import type { Logger } from 'pino';
import type { AskAlipayAboutOrder, OrderQueried } from '../../application/ask-alipay-about-order.ts';
import type { ClaimDueQueries } from '../../application/claim-due-queries.ts';
import type { Metrics } from '../http/middleware/metrics.ts';
import { PollingLoop } from './polling-loop.ts';

// Questions in flight per process: a gateway that hangs holds this many slots for at most its timeout,
// and every other due order waits for a free slot, not for the hung ones.
const MAX_IN_FLIGHT = 8;
const MAX_POLL_MS = 10_000;
const MIN_POLL_MS = 100;

export interface QuerySchedulerDeps {
  readonly claim: ClaimDueQueries;
  readonly ask: AskAlipayAboutOrder;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The schedule's first offset: polling at half of it keeps every question within its slot. */
  readonly firstOffsetMs: number;
}

/** Asks Alipay about due unpaid orders, inside the server, until stopped. Every process runs one. */
export class QueryScheduler {
  private readonly loop: PollingLoop;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: QuerySchedulerDeps) {
    this.loop = new PollingLoop(Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, deps.firstOffsetMs / 2)), () => this.poll());
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming, and waits for the questions already asked: their answers are recorded, not dropped. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.inFlight);
  }

  /** Claims what there is room for; through a backlog, fills each slot as soon as its question is answered. */
  private async poll(): Promise<void> {
    while (!this.loop.isStopped) {
      const room = MAX_IN_FLIGHT - this.inFlight.size;
      if (room === 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      let orderIds: string[];
      try {
        orderIds = await this.deps.claim.execute(room);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'cannot claim due Alipay queries; will try again');
        return;
      }
      for (const orderId of orderIds) {
        const asking: Promise<void> = this.askAbout(orderId).finally(() => this.inFlight.delete(asking));
        this.inFlight.add(asking);
      }
      // Fewer than there was room for: nothing else is due until the next poll.
      if (orderIds.length < room) return;
    }
  }

  private async askAbout(orderId: string): Promise<void> {
    const { ask, metrics, logger } = this.deps;
    try {
      const queried = await ask.execute(orderId);
      const recovered = queried.payment?.result === 'recorded';
      metrics.queried(queried.outcome, recovered);
      log(logger, queried, recovered);
    } catch (error) {
      metrics.queried('failed', false);
      logger.error({ err: error, orderId }, 'asking Alipay about an order failed; its next slot will ask again');
    }
  }
}

function log(logger: Logger, queried: OrderQueried, recovered: boolean): void {
  const { orderId, outcome, summary } = queried;
  if (recovered) logger.warn({ orderId, summary }, 'payment recovered by alipay.trade.query: neither the return nor the notify came');
  else if (outcome === 'failed')
    logger.warn({ orderId, summary }, 'alipay.trade.query gave no answer to rely on; its next slot will ask again');
  else logger.info({ orderId, outcome, summary }, 'asked Alipay about an unpaid order');
}
