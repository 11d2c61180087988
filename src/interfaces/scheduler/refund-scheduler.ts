import type { Logger } from 'pino';
import type { RefundTried } from '../../application/refund-at-alipay.ts';
import type { SettlePendingRefunds } from '../../application/settle-pending-refunds.ts';
import { PollingLoop } from './polling-loop.ts';

// A refund's first check is 15 s after it was asked for: polling every 5 s settles it within 20 s.
const POLL_MS = 5_000;
// Refunds settled per claim; a backlog is worked through claim after claim within one poll.
const BATCH = 20;

/**
 * Settles pending refunds (an answer lost, a process killed between storing and asking) by the refund
 * query, inside the server, until stopped. Every process runs one: each due refund is claimed by one only.
 */
export class RefundScheduler {
  private readonly loop = new PollingLoop(POLL_MS, () => this.tick());

  constructor(
    private readonly settlePendingRefunds: SettlePendingRefunds,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop.start();
  }

  /** Stops claiming, and lets the refunds under way be settled: Alipay's answers are recorded, not dropped. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(): Promise<void> {
    while (!this.loop.isStopped) {
      let tried: RefundTried[];
      try {
        tried = await this.settlePendingRefunds.execute(BATCH);
      } catch (error) {
        this.logger.error({ err: error }, 'cannot settle pending refunds; will try again');
        return;
      }
      for (const settled of tried) log(this.logger, settled);
      if (tried.length < BATCH) return;
    }
  }
}

function log(logger: Logger, { refund, note }: RefundTried): void {
  const fields = {
    orderId: refund.orderId,
    tradeNo: refund.tradeNo,
    outRequestNo: refund.outRequestNo,
    amount: refund.amount.toString(),
    status: refund.status,
    note,
  };
  if (refund.status === 'pending') logger.warn(fields, 'pending refund still unsettled after asking Alipay; its next slot asks again');
  else logger.info(fields, `pending refund settled: ${refund.status}`);
}
