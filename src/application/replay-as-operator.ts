import { inject, injectable } from 'inversify';
import type { Actor } from './actor.ts';
import type { AdminAudit } from './ports/admin-audit.ts';
import type { Clock } from './ports/clock.ts';
import {
  LEFT_COUNTED_UP_TO,
  type ReplayFilter,
  ReplayRefusedCallbacks,
  type ReplayRun,
  type ReplayTally,
} from './replay-refused-callbacks.ts';
import { TOKENS } from './tokens.ts';

/** The most callbacks one back-office replay examines: a request answers in seconds, and the next one goes on. */
export const REPLAY_PER_REQUEST = 500;

/** 重放 in the back office: one refused callback, or those the page's filter shows, audited with the tallies. */
@injectable()
export class ReplayAsOperator {
  constructor(
    @inject(ReplayRefusedCallbacks) private readonly replay: ReplayRefusedCallbacks,
    @inject(TOKENS.AdminAudit) private readonly audit: AdminAudit,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /**
   * @param target what the audit row names: the callback's id, or the filter in words
   * @throws StoreUnavailable, after auditing what was examined before it
   */
  async execute(filter: ReplayFilter, target: string, operator: Actor): Promise<ReplayRun> {
    const at = this.clock.now();
    let reached: ReplayTally = { examined: 0, recovered: 0, stillRefused: 0 };
    const audited = (detail: string) => this.audit.record({ at, ...operator, action: 'replay_rejections', target, detail });
    try {
      const run = await this.replay.execute(filter, (tally) => (reached = tally), REPLAY_PER_REQUEST);
      await audited(`${describe(run)}${run.left > 0 ? `；达到单次上限 ${REPLAY_PER_REQUEST} 条，还有 ${leftText(run.left)}` : ''}`);
      return run;
    } catch (error) {
      // What was examined is marked: the trail says so, if the store takes it.
      await audited(`中途停止，${describe(reached)}：${(error as Error)?.message ?? error}`).catch(() => {});
      throw error;
    }
  }
}

/** How many a capped run left, as staff read it. */
export const leftText = (left: number) => (left >= LEFT_COUNTED_UP_TO ? `${LEFT_COUNTED_UP_TO} 条以上` : `${left} 条`);

const describe = ({ examined, recovered, stillRefused }: ReplayTally) =>
  `检查 ${examined} 条：恢复 ${recovered} 条，仍被拒绝 ${stillRefused} 条`;
