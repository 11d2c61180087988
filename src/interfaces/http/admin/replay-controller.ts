import { inject, injectable } from 'inversify';
import { InvalidQuery } from '../../../application/errors.ts';
import type { RejectionRecord } from '../../../application/ports/rejection-log.ts';
import { leftText, REPLAY_PER_REQUEST, ReplayAsOperator } from '../../../application/replay-as-operator.ts';
import type { ReplayRun } from '../../../application/replay-refused-callbacks.ts';
import type { AppContext } from '../app-state.ts';
import { type ActionNotice, ActionNotices, withNotice } from './action-notices.ts';
import { pageLink, ROW_ID, readRejectionFilter } from './admin-filters.ts';
import { operatorOf } from './operator-of.ts';

const PAGE = '/admin/rejections';
const FILTER_FIELDS = ['q', 'from', 'to', 'channel', 'reason'] as const;
/** How the audit row names the filter a replay ran on. */
const FILTER_LABELS: Record<(typeof FILTER_FIELDS)[number], string> = {
  q: '订单号或交易号',
  from: '起始日期',
  to: '截止日期',
  channel: '渠道',
  reason: '原因',
};

/** 重放: runs refused callbacks again under the current configuration, from the rejections page. */
@injectable()
export class ReplayController {
  constructor(
    @inject(ReplayAsOperator) private readonly replay: ReplayAsOperator,
    @inject(ActionNotices) private readonly notices: ActionNotices,
  ) {}

  /** POST /admin/rejections/:id/replay: one callback; back to the page with the filter it was on. */
  one = async (ctx: AppContext): Promise<void> => {
    const id = ctx.params.id ?? '';
    if (!ROW_ID.test(id)) throw new InvalidQuery('id', 'the id must be a positive whole number');
    const run = await this.replay.execute({ id }, `拒绝记录 #${id}`, operatorOf(ctx));
    this.back(ctx, run.examined === 0 ? NOT_REPLAYABLE : replayNotice(run));
  };

  /** POST /admin/rejections/replay: those the page's filter shows, once 确认 is ticked, at most REPLAY_PER_REQUEST a time. */
  all = async (ctx: AppContext): Promise<void> => {
    const form = ctx.state.adminForm!;
    const { filter } = readRejectionFilter(filterFields(form));
    if (form.get('confirm') !== 'yes') return this.back(ctx, UNCONFIRMED);
    const target = FILTER_FIELDS.filter((field) => form.get(field))
      .map((field) => `${FILTER_LABELS[field]}：${form.get(field)}`)
      .join('，');
    const run = await this.replay.execute({ only: filter }, target || '全部被拒回调', operatorOf(ctx));
    ctx.state.log.info({ ...run }, 'refused callbacks replayed by an operator');
    this.back(ctx, replayNotice(run));
  };

  /** Back to the rejections page, with the filter the form carried, and the notice. */
  private back(ctx: AppContext, notice: ActionNotice): void {
    const form = ctx.state.adminForm!;
    const page = pageLink(PAGE, filterFields(form), {});
    ctx.status = 303;
    ctx.redirect(withNotice(page, this.notices.put(PAGE, ctx.state.admin?.user ?? '', notice)));
  }
}

/** The rejections filter a form carried along, as the page's query names it. */
const filterFields = (form: URLSearchParams) => Object.fromEntries(FILTER_FIELDS.map((field) => [field, form.get(field) ?? '']));

/** Whether a replay would examine the callback: not recovered, not accepted after a repair, and its bytes kept. */
export function isReplayable(record: RejectionRecord): boolean {
  return record.reason !== 'SIGNATURE_REPAIRED' && record.replay?.outcome !== 'recovered' && record.raw.length > 0;
}

function replayNotice(run: ReplayRun): ActionNotice {
  const lines = [`检查 ${run.examined} 条：恢复 ${run.recovered} 条，仍被拒绝 ${run.stillRefused} 条。`];
  if (run.recovered > 0) lines.push('恢复的回调已按当前配置记录支付；与订单不符的支付会留待人工核对（见“待核对”）。');
  if (run.stillRefused > 0) lines.push('仍被拒绝的原因见各行的“重放结果”（鼠标悬停看详情）；修正配置或订单后可再次重放。');
  if (run.left > 0) lines.push(`单次最多重放 ${REPLAY_PER_REQUEST} 条，还有 ${leftText(run.left)}未重放：请再次勾选确认并点“重放”继续。`);
  if (run.examined === 0)
    lines.push('没有需要重放的回调：已恢复的、签名修复后已接受的，以及在当前配置下已重放且仍被拒绝的，不会再次重放。');
  return { tone: run.left > 0 || run.stillRefused > 0 ? 'attention' : 'done', title: '重放被拒回调', lines, facts: [] };
}

const NOT_REPLAYABLE: ActionNotice = {
  tone: 'attention',
  title: '重放被拒回调',
  lines: ['这条回调无法重放：它已恢复、已在签名修复后接受、没有保存原始报文，或已超过保留期限被删除。'],
  facts: [],
};

const UNCONFIRMED: ActionNotice = {
  tone: 'failed',
  title: '未重放',
  lines: ['请先勾选“确认重放”，再点“重放”。'],
  facts: [],
};
