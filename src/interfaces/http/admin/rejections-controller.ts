import { Readable } from 'node:stream';
import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import { ExportRejections } from '../../../application/export-rejections.ts';
import { ListRejections } from '../../../application/list-rejections.ts';
import type { RejectionRecord } from '../../../application/ports/rejection-log.ts';
import { REPLAY_PER_REQUEST } from '../../../application/replay-as-operator.ts';
import { CHANNEL_OPTIONS, pageLink, REASON_OPTIONS, readRejectionFilter, SEARCH_HELP } from './admin-filters.ts';
import { rejectionRow } from './admin-labels.ts';
import { csvLine, UTF8_BOM } from './csv.ts';
import { isReplayable } from './replay-controller.ts';

type RejectionRow = ReturnType<typeof rejectionRow>;

/** The export's columns, in order: each header beside the field of the row it shows. */
const CSV_COLUMNS: ReadonlyArray<{ readonly header: string; readonly cell: keyof RejectionRow }> = [
  { header: '时间（北京时间）', cell: 'time' },
  { header: '渠道', cell: 'channel' },
  { header: '原因', cell: 'reason' },
  { header: '详情', cell: 'detail' },
  { header: '签名诊断', cell: 'diagnosisSummary' },
  { header: '重放结果', cell: 'replay' },
  { header: '来源地址', cell: 'remoteAddress' },
  { header: '订单号', cell: 'outTradeNo' },
  { header: '交易号', cell: 'tradeNo' },
  { header: '参数', cell: 'params' },
];

/** The refused returns and notifies, kept as evidence and for replay. */
@injectable()
export class RejectionsController {
  constructor(
    @inject(ListRejections) private readonly listRejections: ListRejections,
    @inject(ExportRejections) private readonly exportRejections: ExportRejections,
  ) {}

  /** GET /admin/rejections */
  list = async (ctx: Context): Promise<void> => {
    const { form, filter, page: request } = readRejectionFilter(ctx.query);
    const page = await this.listRejections.execute(filter, request);
    await ctx.render('admin/rejections.pug', {
      form,
      searchHelp: SEARCH_HELP,
      channels: CHANNEL_OPTIONS,
      reasons: REASON_OPTIONS,
      rows: page.rows.map((record) => ({ ...rejectionRow(record), replayable: isReplayable(record) })),
      previousLink: page.previous && pageLink('/admin/rejections', form, { before: page.previous }),
      nextLink: page.next && pageLink('/admin/rejections', form, { after: page.next }),
      csvLink: pageLink('/admin/rejections.csv', { ...form, limit: '' }, {}),
      replayPerRequest: REPLAY_PER_REQUEST,
    });
  };

  /** GET /admin/rejections.csv: the same filter, every page, streamed. */
  csv = async (ctx: Context): Promise<void> => {
    const { filter } = readRejectionFilter({ ...ctx.query, limit: undefined, after: undefined, before: undefined });
    const records = this.exportRejections.execute(filter)[Symbol.asyncIterator]();
    // The first batch is read before the headers go out, so that a database error still gets its status.
    const first = await records.next();
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="rejections.csv"');
    ctx.body = Readable.from(csvLines(first, records));
  };
}

async function* csvLines(first: IteratorResult<RejectionRecord>, rest: AsyncIterator<RejectionRecord>): AsyncIterable<string> {
  yield UTF8_BOM + csvLine(CSV_COLUMNS.map((column) => column.header));
  for (let next = first; !next.done; next = await rest.next()) {
    const row = rejectionRow(next.value);
    yield csvLine(CSV_COLUMNS.map((column) => row[column.cell]));
  }
}
