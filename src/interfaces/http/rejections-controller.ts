import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import { ListRejections } from '../../application/list-rejections.ts';
import { rejectionRow } from './admin-labels.ts';
import { pageLink, readFilter } from './admin-query.ts';

/** The refused returns and notifies, kept as evidence and for replay. */
@injectable()
export class RejectionsController {
  constructor(@inject(ListRejections) private readonly listRejections: ListRejections) {}

  /** GET /admin/rejections */
  list = async (ctx: Context): Promise<void> => {
    const { form, page: request } = readFilter({
      q: ctx.query.q,
      limit: ctx.query.limit,
      after: ctx.query.after,
      before: ctx.query.before,
    });
    const page = await this.listRejections.execute({ q: form.q || undefined }, request);
    await ctx.render('admin/rejections.pug', {
      admin: true,
      form,
      rows: page.rows.map(rejectionRow),
      previousLink: page.previous && pageLink('/admin/rejections', form, { before: page.previous }),
      nextLink: page.next && pageLink('/admin/rejections', form, { after: page.next }),
    });
  };
}
