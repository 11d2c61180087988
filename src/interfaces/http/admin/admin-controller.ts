import { Readable } from 'node:stream';
import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import { ExportPayments } from '../../../application/export-payments.ts';
import { ListPayments } from '../../../application/list-payments.ts';
import type { PaymentRecord } from '../../../application/ports/payment-ledger.ts';
import { type OrderTimeline, ShowOrderTimeline } from '../../../application/show-order-timeline.ts';
import { pageLink, readFilter, SEARCH_HELP } from './admin-filters.ts';
import { orderTimelinePage, paymentRow } from './admin-labels.ts';
import { csvLine, UTF8_BOM } from './csv.ts';
import { totalsView } from './payment-totals-view.ts';
import { waitingView } from './reconciliation-labels.ts';

type PaymentRow = ReturnType<typeof paymentRow>;
type CsvCell = { [K in keyof PaymentRow]: PaymentRow[K] extends string ? K : never }[keyof PaymentRow];

/** The export's columns, in order: each header beside the field of the row it shows. */
const CSV_COLUMNS: ReadonlyArray<{ readonly header: string; readonly cell: CsvCell }> = [
  { header: 'ID', cell: 'id' },
  { header: '订单号', cell: 'orderId' },
  { header: '支付宝交易号', cell: 'tradeNo' },
  { header: '金额', cell: 'yuan' },
  { header: '订单状态', cell: 'orderStatus' },
  { header: '支付状态', cell: 'state' },
  { header: '核对原因', cell: 'reason' },
  { header: '处理说明', cell: 'resolutionNote' },
  { header: '处理人', cell: 'resolvedBy' },
  { header: '处理时间（北京时间）', cell: 'resolvedAt' },
  { header: '来源', cell: 'source' },
  { header: '时间（北京时间）', cell: 'time' },
];

/** The admin view of payments and of one order's timeline. */
@injectable()
export class AdminController {
  constructor(
    @inject(ListPayments) private readonly listPayments: ListPayments,
    @inject(ExportPayments) private readonly exportPayments: ExportPayments,
    @inject(ShowOrderTimeline) private readonly showOrderTimeline: ShowOrderTimeline,
  ) {}

  /** GET /admin/payments */
  payments = async (ctx: Context): Promise<void> => {
    const { form, filter, page: request } = readFilter(ctx.query);
    const { page, needingReview, waitingDiscrepancies, totals } = await this.listPayments.execute(filter, request);
    await ctx.render('admin/payments.pug', {
      form,
      rows: page.rows.map(paymentRow),
      needingReview,
      discrepancies: waitingView(waitingDiscrepancies),
      totals: totalsView(totals),
      searchHelp: SEARCH_HELP,
      reviewLink: pageLink('/admin/payments', { state: 'needs_review' }, {}),
      previousLink: page.previous && pageLink('/admin/payments', form, { before: page.previous }),
      nextLink: page.next && pageLink('/admin/payments', form, { after: page.next }),
      csvLink: pageLink('/admin/payments.csv', { ...form, limit: '' }, {}),
    });
  };

  /** GET /admin/payments.csv: the same filter, every page, streamed. */
  paymentsCsv = async (ctx: Context): Promise<void> => {
    const { filter } = readFilter({ ...ctx.query, limit: undefined, after: undefined, before: undefined });
    const records = this.exportPayments.execute(filter)[Symbol.asyncIterator]();
    // The first batch is read before the headers go out, so that a database error still gets its status.
    const first = await records.next();
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="payments.csv"');
    ctx.body = Readable.from(csvLines(first, records));
  };

  /** GET /admin/orders/:order_id: one order's timeline; 404 in the admin layout when nothing is known of it. */
  order = async (ctx: Context): Promise<void> => {
    const orderId = ctx.params.order_id ?? '';
    const timeline = await this.showOrderTimeline.execute(orderId);
    if (timeline === null) {
      ctx.status = 404;
      await ctx.render('admin/order.pug', { orderId, unknown: true });
      return;
    }
    await ctx.render('admin/order.pug', {
      unknown: false,
      resolved: resolvedNotice(timeline, ctx.query.resolved),
      ...orderTimelinePage(timeline),
    });
  };
}

/** The trade no of `?resolved=` when this order's timeline really shows it handled: a link cannot claim it. */
function resolvedNotice(timeline: OrderTimeline, asked: unknown): string {
  const handled = timeline.entries.some(
    (entry) => entry.kind === 'payment' && entry.payment.tradeNo === asked && entry.payment.resolution !== null,
  );
  return handled ? (asked as string) : '';
}

async function* csvLines(first: IteratorResult<PaymentRecord>, rest: AsyncIterator<PaymentRecord>): AsyncIterable<string> {
  yield UTF8_BOM + csvLine(CSV_COLUMNS.map((column) => column.header));
  for (let next = first; !next.done; next = await rest.next()) {
    const row = paymentRow(next.value);
    yield csvLine(CSV_COLUMNS.map((column) => row[column.cell]));
  }
}
