import { inject, injectable } from 'inversify';
import { ListAdminActions } from '../../../application/list-admin-actions.ts';
import type { AdminActionKind } from '../../../application/ports/admin-audit.ts';
import { ResolvePaymentReview } from '../../../application/resolve-payment-review.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import type { AppContext } from '../app-state.ts';

const ACTION_LABELS: Record<AdminActionKind, string> = {
  resolve_review: '标记为已处理',
  query_order: '向支付宝查单',
  replay_rejections: '重放被拒回调',
  rerun_reconciliation: '重新对账',
  resolve_discrepancy: '对账差异已处理',
  refund: '退款',
  check_refund: '向支付宝查询退款',
  sign_in: '登录',
  sign_out: '退出登录',
  add_operator: '添加账号',
  change_password: '修改密码',
  disable_operator: '停用账号',
};

/** Staff working through the payments kept for review, and the audit trail of what they did. */
@injectable()
export class ReviewController {
  constructor(
    @inject(ResolvePaymentReview) private readonly resolvePaymentReview: ResolvePaymentReview,
    @inject(ListAdminActions) private readonly listAdminActions: ListAdminActions,
  ) {}

  /** POST /admin/payments/:trade_no/resolve: the form passed adminGate's cross-site checks. */
  resolve = async (ctx: AppContext): Promise<void> => {
    const tradeNo = ctx.params.trade_no ?? '';
    const { orderId } = await this.resolvePaymentReview.execute({
      tradeNo,
      note: ctx.state.adminForm?.get('note') ?? '',
      actor: ctx.state.admin?.user ?? '',
      remoteAddress: ctx.ip,
    });
    ctx.state.log.info({ tradeNo, orderId }, 'payment review resolved');
    ctx.status = 303;
    ctx.redirect(`/admin/orders/${encodeURIComponent(orderId)}?resolved=${encodeURIComponent(tradeNo)}`);
  };

  /** GET /admin/audit */
  audit = async (ctx: AppContext): Promise<void> => {
    const actions = await this.listAdminActions.execute();
    await ctx.render('admin/audit.pug', {
      rows: actions.map((action) => ({
        time: beijingTimestamp(action.at),
        actor: action.actor,
        remoteAddress: action.remoteAddress,
        action: ACTION_LABELS[action.action] ?? action.action,
        target: action.target,
        detail: action.detail,
      })),
    });
  };
}
