import { Readable } from 'node:stream';
import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import { InvalidQuery } from '../../../application/errors.ts';
import { ExportReconciliationDay } from '../../../application/export-reconciliation-day.ts';
import { ListReconciliations } from '../../../application/list-reconciliations.ts';
import type { StoredItem } from '../../../application/ports/reconciliation-store.ts';
import { RerunReconciliation } from '../../../application/rerun-reconciliation.ts';
import { type ItemFilter, ShowReconciliationDay } from '../../../application/show-reconciliation-day.ts';
import { ITEM_KINDS, type ItemKind } from '../../../domain/reconciliation.ts';
import { readFilter } from './admin-filters.ts';
import { csvLine, UTF8_BOM } from './csv.ts';
import { itemRow, KIND_LABELS, listedKinds, runSummary, unfoundRow } from './reconciliation-labels.ts';
import { rerunBlock } from './rerun-controller.ts';

type ItemRow = ReturnType<typeof itemRow>;

const CSV_COLUMNS: ReadonlyArray<{ readonly header: string; readonly cell: keyof ItemRow }> = [
  { header: '类型', cell: 'kind' },
  { header: '订单号', cell: 'orderId' },
  { header: '支付宝交易号', cell: 'tradeNo' },
  { header: '本地金额（元）', cell: 'localYuan' },
  { header: '账单金额（元）', cell: 'billYuan' },
  { header: '说明', cell: 'detail' },
  { header: '处理状态', cell: 'followUp' },
  { header: '处理说明', cell: 'resolution' },
];
const AMOUNT_CELLS: ReadonlySet<keyof ItemRow> = new Set(['localYuan', 'billYuan']);
// A signed amount in yuan is a number to a spreadsheet, never a formula: a refund's "-188.00" stays a number.
const AMOUNT = /^-?\d{1,13}\.\d{2}$/;

type Query = Context['query'];

/** 对账: the reconciled days and each day's items, read-only. */
@injectable()
export class ReconciliationController {
  constructor(
    @inject(ListReconciliations) private readonly listReconciliations: ListReconciliations,
    @inject(ShowReconciliationDay) private readonly showDay: ShowReconciliationDay,
    @inject(ExportReconciliationDay) private readonly exportDay: ExportReconciliationDay,
    @inject(RerunReconciliation) private readonly rerun: RerunReconciliation,
  ) {}

  /** GET /admin/reconciliation */
  list = async (ctx: Context): Promise<void> => {
    const { form, page: request } = readFilter({ limit: ctx.query.limit, after: ctx.query.after, before: ctx.query.before });
    const { page, waiting } = await this.listReconciliations.execute(request);
    const kinds = listedKinds(page.rows);
    const paging = { limit: form.limit };
    await ctx.render('admin/reconciliations.pug', {
      rows: page.rows.map((run) => runSummary(run, waiting.get(run.date) ?? 0, kinds)),
      kinds: kinds.map((kind) => KIND_LABELS[kind]),
      previousLink: page.previous && link('/admin/reconciliation', paging, { before: page.previous }),
      nextLink: page.next && link('/admin/reconciliation', paging, { after: page.next }),
    });
  };

  /**
   * GET /admin/reconciliation/:date: the run's summary and its items, discrepancies first (of one kind, of
   * one order id, if asked); 404 in the admin layout for a day never run.
   */
  day = async (ctx: Context): Promise<void> => {
    const date = ctx.params.date ?? '';
    const { form, page: request } = readFilter({ limit: ctx.query.limit, after: ctx.query.after, before: ctx.query.before });
    const kind = readKind(ctx.query);
    const orderId = readOrderId(ctx.query);
    const day = await this.showDay.execute(date, { kind, orderId }, request);
    if (day === null) {
      ctx.status = 404;
      await ctx.render('admin/reconciliation-day.pug', { date, unknown: true, rerun: await rerunBlock(this.rerun, date) });
      return;
    }
    const path = `/admin/reconciliation/${date}`;
    const filter = { kind: kind ?? '', order: orderId ?? '', limit: form.limit };
    const run = runSummary(day.run, day.waiting);
    const rows = day.items.rows.map((item) => itemRow(date, item));
    await ctx.render('admin/reconciliation-day.pug', {
      unknown: false,
      run,
      rerun: await rerunBlock(this.rerun, date),
      form: filter,
      kindLinks: run.counts.map((count) => ({ ...count, link: link(path, { kind: count.kind }, {}) })),
      allLink: path,
      orderFilter: orderId === undefined ? null : { orderId, clearLink: link(path, { kind: kind ?? '' }, {}) },
      resolved: rows.find((row) => row.tradeNo === ctx.query.resolved && row.resolution !== '') ?? null,
      rows,
      unfound: day.unfound.map(unfoundRow),
      csvLink: link(`${path}.csv`, { kind: kind ?? '' }, {}),
      previousLink: day.items.previous && link(path, filter, { before: day.items.previous }),
      nextLink: day.items.next && link(path, filter, { after: day.items.next }),
    });
  };

  /** GET /admin/reconciliation/:date.csv: every item of the day (of one kind, if asked), streamed. */
  dayCsv = async (ctx: Context): Promise<void> => {
    const date = ctx.params.date ?? '';
    const exported = await this.exportDay.execute(date, { kind: readKind(ctx.query) });
    if (exported === null) return; // 404
    const items = exported.items[Symbol.asyncIterator]();
    // The first batch is read before the headers go out, so that a database error still gets its status.
    const first = await items.next();
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="reconciliation-${date}.csv"`);
    ctx.body = Readable.from(csvLines(date, first, items));
  };
}

function readKind(query: Query): ItemFilter['kind'] {
  const kind = query.kind;
  if (Array.isArray(kind)) throw new InvalidQuery('kind', 'kind is given more than once', 'repeated');
  if (kind === undefined || kind === '') return undefined;
  if (!(ITEM_KINDS as readonly string[]).includes(kind)) throw new InvalidQuery('kind', `kind must be one of ${ITEM_KINDS.join(', ')}`);
  return kind as ItemKind;
}

/** ?order=: exactly one order id, as a row names it (a bill's may be any text, up to 64 characters). */
function readOrderId(query: Query): string | undefined {
  const order = query.order;
  if (Array.isArray(order)) throw new InvalidQuery('order', 'order is given more than once');
  if (order === undefined || order === '') return undefined;
  if (order.length > 64) throw new InvalidQuery('order', 'an order id is at most 64 characters');
  return order;
}

async function* csvLines(date: string, first: IteratorResult<StoredItem>, rest: AsyncIterator<StoredItem>): AsyncIterable<string> {
  yield UTF8_BOM + csvLine(CSV_COLUMNS.map((column) => column.header));
  for (let next = first; !next.done; next = await rest.next()) {
    const row = itemRow(date, next.value);
    yield `${CSV_COLUMNS.map(({ cell }) => csvCell(row[cell] as string, AMOUNT_CELLS.has(cell))).join(',')}\r\n`;
  }
}

/** One cell as csvLine writes it, but an amount column's signed number as it is. */
function csvCell(value: string, amount: boolean): string {
  return amount && AMOUNT.test(value) ? value : csvLine([value]).slice(0, -2);
}

/** The path with the non-empty parameters: 上一页, 下一页 and the kind links keep the filter. */
function link(path: string, params: Record<string, string>, cursor: { after?: string; before?: string }): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...params, ...cursor })) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
