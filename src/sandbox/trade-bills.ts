import { Buffer } from 'node:buffer';
import type { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { isCalendarDay } from '../domain/calendar-day.ts';
import { verifyMerchantRequest } from './alipay-signing.ts';
import type { SandboxBillChanges } from './bill-changes.ts';
import { BILL_URL_TTL_MS, BillDownloadTokens } from './bill-download-tokens.ts';
import type { SandboxBillRows } from './bill-rows.ts';
import { objectOf } from './merchant-call.ts';
import { type OpenApiAnswer, refusedRequest, sendOpenApiAnswer } from './openapi-answer.ts';
import type { SandboxRefunds } from './sandbox-refunds.ts';
import type { SandboxTrades } from './sandbox-trades.ts';
import { streamedTradeBillZip } from './trade-bill-file.ts';

export const BILL_DOWNLOAD_URL_QUERY = 'alipay.data.dataservice.bill.downloadurl.query';
const RESPONSE_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
export const BILLS_PATH = '/sandbox/bills';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const BUILD_SOCKET_TIMEOUT_MS = 120_000;

export interface SandboxBillSettings {
  readonly appId: string;
  readonly sellerId: string;
  /** Our app's public key: checks the request. */
  readonly appKey: KeyObject;
  /** The sandbox's stand-in for Alipay's private key: signs the answer; the download tokens' key derives from it. */
  readonly alipayKey: KeyObject;
  readonly trades: SandboxTrades;
  readonly changes: SandboxBillChanges;
  /** Every refund, made through the API or on the bills page: the bill lists each on the day it was made. */
  readonly refunds: SandboxRefunds;
  /** The bill's rows, read in batches: a day of a million trades is built without holding them all. */
  readonly rows: SandboxBillRows;
  readonly logger: Logger;
  readonly now: () => Date;
  /**
   * Serve the bill of the Beijing day not yet over, with the trades paid so far. Alipay publishes a day's
   * bill the next morning; the sandbox serves today's by default so that a reconciliation can be tried
   * at once. Later days are never served (`isp.bill_not_exist`).
   */
  readonly billsForToday: boolean;
}

/** A bill zip as built: its file name, its bytes, how many rows it lists and how long it took. */
interface BuiltBill {
  readonly fileName: string;
  readonly zip: Uint8Array;
  readonly rows: number;
  readonly buildMs: number;
}

/**
 * Alipay's daily trade bill, for the sandbox's own trades: the signed answer of
 * alipay.data.dataservice.bill.downloadurl.query, and the zip its URL serves (for 30 seconds). The page
 * that makes the bill differ from the trades is SandboxBillPage (trade-bill-page.ts).
 */
export class SandboxBills {
  private readonly tokens: BillDownloadTokens;
  // Alipay has a bill ready before it hands out its URL: built when the URL is, served while it is valid.
  private readonly prepared = new Map<string, { fileName: string; zip: Uint8Array; until: number }>();

  constructor(private readonly settings: SandboxBillSettings) {
    this.tokens = new BillDownloadTokens(settings.alipayKey, settings.now);
  }

  /** `POST /sandbox/gateway.do` with this method: parameters read already, a key given twice refused already. */
  async respond(ctx: Context, params: Record<string, string>): Promise<void> {
    keepOpenWhileBuilding(ctx);
    // The URL points back at whoever asked, by the address they asked on (Koa 3's ctx.origin is the Origin header).
    const { answer, built } = await this.answer(params, `${ctx.protocol}://${ctx.host}`);
    const bill = built && { rows: built.rows, zipBytes: built.zip.length, buildMs: built.buildMs };
    this.settings.logger.info(
      { sandbox: true, answer: `${answer.fields.code} ${answer.fields.sub_code ?? ''}`.trim(), ...(bill ? { bill } : {}) },
      'sandbox bill download URL answered',
    );
    sendOpenApiAnswer(ctx, RESPONSE_KEY, answer, this.settings.alipayKey);
  }

  /** `GET /sandbox/bills/<token>.zip`, the URL answered; or `/sandbox/bills/<yyyy-MM-dd>.zip`, for a person. */
  download = async (ctx: Context): Promise<void> => {
    const name = String(ctx.params.file ?? '');
    const stem = name.endsWith('.zip') ? name.slice(0, -4) : '';
    const day = DAY.test(stem) ? stem : this.tokens.dayOf(stem);
    if (day === null || !isCalendarDay(day)) {
      ctx.status = 404;
      ctx.type = 'text/plain;charset=utf-8';
      ctx.body = '账单下载链接无效或已过期（有效期 30 秒），请重新获取。';
      return;
    }
    const prepared = this.prepared.get(stem);
    if (!prepared) keepOpenWhileBuilding(ctx);
    const { fileName, zip } = prepared ?? (await this.zipOf(day));
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Disposition', `attachment; filename="${fileName}"`);
    ctx.type = 'application/zip';
    ctx.body = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  };

  /** Serves `built` under `token` for as long as the token is valid; drops those that expired. */
  private keep(token: string, built: BuiltBill): void {
    const now = this.settings.now().getTime();
    for (const [key, { until }] of this.prepared) if (until <= now) this.prepared.delete(key);
    this.prepared.set(token, { fileName: built.fileName, zip: built.zip, until: now + BILL_URL_TTL_MS });
  }

  /**
   * The bill zip of a Beijing day, as it stands now: its rows read in keyset batches and deflated as
   * they come, so that memory holds a batch and the compressed zip (a few bytes a row), not the day.
   */
  async zipOf(day: string): Promise<BuiltBill> {
    const started = performance.now();
    const { rows, appId, sellerId } = this.settings;
    const built = await streamedTradeBillZip({
      account: `${sellerId}0156`,
      day,
      batches: rows.entriesOf(day, appId),
      exportedAt: this.settings.now(),
    });
    return { ...built, buildMs: Math.round(performance.now() - started) };
  }

  private async answer(params: Record<string, string>, origin: string): Promise<{ answer: OpenApiAnswer; built?: BuiltBill }> {
    if (params.app_id !== this.settings.appId) return { answer: refusedRequest('isv.invalid-app-id', '无效的AppID参数') };
    if (!verifyMerchantRequest(params, this.settings.appKey)) {
      return { answer: refusedRequest('isv.invalid-signature', '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配') };
    }
    const biz = objectOf(params.biz_content);
    if (biz?.bill_type !== 'trade') {
      return { answer: refusedRequest('isv.invalid-parameter', '参数无效：bill_type 须为 trade（沙箱只有交易账单）') };
    }
    const day = biz.bill_date;
    if (typeof day !== 'string' || !isCalendarDay(day)) {
      return { answer: refusedRequest('isv.invalid-parameter', '参数无效：bill_date 须为 yyyy-MM-dd') };
    }
    const signType = params.sign_type === 'RSA' ? 'RSA' : 'RSA2';
    const today = this.today();
    if (day > today || (day === today && !this.settings.billsForToday)) {
      return {
        answer: { fields: { code: '40004', msg: 'Business Failed', sub_code: 'isp.bill_not_exist', sub_msg: '账单不存在' }, signType },
      };
    }
    // Alipay has the bill ready before it hands out its URL: built first, the URL's 30 seconds counted from now.
    const built = await this.zipOf(day);
    const token = this.tokens.issue(day);
    this.keep(token, built);
    const url = `${origin}${BILLS_PATH}/${token}.zip`;
    return { answer: { fields: { code: '10000', msg: 'Success', bill_download_url: url }, signType }, built };
  }

  private today(): string {
    return sandboxToday(this.settings);
  }
}

/**
 * The zip of a day of a million rows takes the sandbox some 15 s to build, the server's idle timeout of
 * a socket (http-server.ts): the asker's socket is given as long as its call may last (ALIPAY_HTTP_TIMEOUT
 * is 2 minutes at most). Alipay has its bills built before anyone asks.
 */
export const sandboxToday = ({ now }: { now: () => Date }): string => beijingTimestamp(now()).slice(0, 10);

function keepOpenWhileBuilding(ctx: Context): void {
  ctx.req.setTimeout(BUILD_SOCKET_TIMEOUT_MS);
}
