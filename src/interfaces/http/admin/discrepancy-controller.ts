import { inject, injectable } from 'inversify';
import { ResolveDiscrepancy } from '../../../application/resolve-discrepancy.ts';
import { ShowReconciliationItem } from '../../../application/show-reconciliation-item.ts';
import { beijingTimestamp } from '../../../domain/beijing-time.ts';
import type { AppContext } from '../app-state.ts';
import { ROW_ID } from './admin-filters.ts';
import { dayRowLink, itemLink, itemRow } from './reconciliation-labels.ts';

/** Reconciliation discrepancies followed up: one item's own page, and marking a discrepancy 已处理. */
@injectable()
export class DiscrepancyController {
  constructor(
    @inject(ResolveDiscrepancy) private readonly resolveDiscrepancy: ResolveDiscrepancy,
    @inject(ShowReconciliationItem) private readonly showItem: ShowReconciliationItem,
  ) {}

  /** GET /admin/reconciliation/:date/items/:id: everything kept of one bill row; 404 in the admin layout for an id the day no longer has. */
  item = async (ctx: AppContext): Promise<void> => {
    const date = ctx.params.date ?? '';
    const shown = await this.showItem.execute(date, ctx.params.id ?? '');
    if (shown === null) {
      ctx.status = 404;
      await ctx.render('admin/reconciliation-item.pug', { unknown: true, date, dayLink: `/admin/reconciliation/${date}` });
      return;
    }
    const row = itemRow(date, shown.item);
    await ctx.render('admin/reconciliation-item.pug', {
      unknown: false,
      date,
      row,
      finishedAt: beijingTimestamp(shown.run.finishedAt),
      unknownOrder: shown.item.kind === 'unknown_order',
      dayLink: dayRowLink(date, shown.item),
      // Only when the item really is handled: a link cannot claim it.
      resolved: ctx.query.resolved === '1' && row.resolution !== '',
    });
  };

  /** POST /admin/reconciliation/:date/resolve: the form passed adminGate's cross-site checks; back to the page it came from. */
  resolve = async (ctx: AppContext): Promise<void> => {
    const form = ctx.state.adminForm ?? new URLSearchParams();
    const key = await this.resolveDiscrepancy.execute({
      date: ctx.params.date ?? '',
      kind: form.get('kind') ?? '',
      orderId: form.get('order_id') ?? '',
      tradeNo: form.get('trade_no') ?? '',
      note: form.get('note') ?? '',
      actor: ctx.state.admin?.user ?? '',
      remoteAddress: ctx.ip,
    });
    ctx.state.log.info(key, 'reconciliation discrepancy resolved');
    const id = form.get('item_id') ?? '';
    const anchor = ROW_ID.test(id) ? `#item-${id}` : '';
    ctx.status = 303;
    if (form.get('from') === 'item' && anchor) return ctx.redirect(`${itemLink(key.date, id)}?resolved=1`);
    ctx.redirect(`/admin/reconciliation/${key.date}?${new URLSearchParams({ order: key.orderId, resolved: key.tradeNo })}${anchor}`);
  };
}
