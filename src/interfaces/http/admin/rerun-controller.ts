import { inject, injectable } from 'inversify';
import { InvalidQuery } from '../../../application/errors.ts';
import { type RerunOutcome, RerunReconciliation } from '../../../application/rerun-reconciliation.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import { isCalendarDay } from '../../../domain/calendar-day.ts';
import type { AppContext } from '../app-state.ts';
import { type ActionNotice, ActionNotices, withNotice } from './action-notices.ts';
import { operatorOf } from './operator-of.ts';
import { runSummary } from './reconciliation-labels.ts';

// A day's bill may take minutes to read and repair: the page comes back after this long, and the run goes on.
const WAIT_MS = 20_000;

/** 重新对账: reconciles a day now from its page, as the daily run would, and shows the outcome there. */
@injectable()
export class RerunController {
  constructor(
    @inject(RerunReconciliation) private readonly rerun: RerunReconciliation,
    @inject(ActionNotices) private readonly notices: ActionNotices,
  ) {}

  /** POST /admin/reconciliation/:date/rerun */
  run = async (ctx: AppContext): Promise<void> => {
    const date = ctx.params.date ?? '';
    if (!isCalendarDay(date)) throw new InvalidQuery('date', 'the date must be a day written yyyy-MM-dd');
    const operator = operatorOf(ctx);
    const page = `/admin/reconciliation/${date}`;
    const running = this.rerun.execute(date, operator);
    const id = await keptAsNotice(running, { notices: this.notices, page, actor: operator.actor, waitMs: WAIT_MS }, (error) =>
      ctx.state.log.error({ err: error, date }, 'reconciliation rerun failed after its page came back'),
    );
    ctx.state.log.info({ date }, 'reconciliation rerun by an operator');
    ctx.status = 303;
    ctx.redirect(withNotice(page, id));
  };
}

/** What a day's page says about rerunning it: whether a run holds it now, and the schedule. @throws StoreUnavailable */
export async function rerunBlock(rerun: RerunReconciliation, date: string) {
  if (!isCalendarDay(date)) return null;
  const { held, nextScheduledRun } = await rerun.standing(date);
  return {
    action: `/admin/reconciliation/${date}/rerun`,
    held,
    schedule:
      nextScheduledRun === null
        ? '未开启（未设置 RECONCILE_AT）：只在这里手动对账，或运行 npm run reconcile。'
        : `每天北京时间 ${beijingTimestamp(nextScheduledRun).slice(11, 16)} 对账前一天及近几天未完成的日期；下次：${beijingTimestamp(nextScheduledRun).slice(0, 16)}。`,
  };
}

/**
 * Keeps what the rerun came to as the page's notice: at once when it ends within `waitMs` (its failure is
 * thrown then), else 正在重新对账, replaced by the outcome when the run ends. The notice's id.
 */
export async function keptAsNotice(
  running: Promise<RerunOutcome>,
  to: { notices: ActionNotices; page: string; actor: string; waitMs: number },
  onLateFailure: (error: unknown) => void,
): Promise<string> {
  const first = await settledWithin(running, to.waitMs);
  const id = to.notices.put(to.page, to.actor, first === 'pending' ? PENDING : rerunNotice(first));
  if (first === 'pending') {
    running.then(
      (outcome) => to.notices.update(id, rerunNotice(outcome)),
      (error: unknown) => {
        onLateFailure(error);
        to.notices.update(id, STORE_FAILED);
      },
    );
  }
  return id;
}

/** The promise's value if it settles within `ms`, else 'pending'; its rejection within `ms` is thrown. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([promise, waited]);
  } finally {
    clearTimeout(timer);
  }
}

function rerunNotice(rerun: RerunOutcome): ActionNotice {
  if (rerun.outcome === 'held') {
    return {
      tone: 'attention',
      title: '未重新对账：这一天已有对账在进行',
      lines: [
        '定时对账或其他操作员正在对账这一天（或在等待支付宝账单生成后重试）。同一天不会同时运行两次。',
        '请稍后刷新本页查看结果；若一直如此，最多 30 分钟后可以再试。',
      ],
      facts: [],
    };
  }
  if (rerun.outcome === 'not_ready') {
    return {
      tone: 'attention',
      title: '未重新对账：支付宝账单尚未生成',
      lines: ['支付宝在次日上午（约北京时间 10:00 后）才生成前一天的账单。请稍后再试；已开启定时对账时会自动重试。'],
      facts: [],
    };
  }
  if (rerun.outcome === 'failed') {
    return {
      tone: 'failed',
      title: '重新对账失败',
      lines: [
        '无法读取支付宝账单（无法连接、应答不可信或文件有误），原有对账结果保持不变。',
        '请稍后重试；若一直失败，请检查服务器到支付宝的网络和密钥配置，并查看服务日志。',
      ],
      facts: [{ label: '原因（技术详情）', value: rerun.why }],
    };
  }
  const summary = runSummary(rerun.run);
  return {
    tone: summary.attention ? 'attention' : 'done',
    title: '已重新对账',
    lines: [
      `完成时间：${summary.finishedAt}（北京时间）。${summary.attention ? `${summary.attention}，见下方明细。` : '没有需要核对的差异。'}`,
    ],
    facts: summary.counts.filter((count) => count.count > 0).map((count) => ({ label: count.label, value: String(count.count) })),
  };
}

const PENDING: ActionNotice = {
  tone: 'pending',
  title: '正在重新对账',
  lines: ['账单较大，对账仍在进行，完成后刷新本页即可看到结果。期间其他人不会重复对账这一天。'],
  facts: [],
};

const STORE_FAILED: ActionNotice = {
  tone: 'failed',
  title: '重新对账失败',
  lines: ['对账时数据库不可用，原有对账结果保持不变。请确认数据库恢复后再试，并查看服务日志。'],
  facts: [],
};
