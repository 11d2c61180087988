import { inject, injectable } from 'inversify';
import { BillUnreadable } from '../../application/errors.ts';
import type { Clock } from '../../application/ports/clock.ts';
import type { SignatureVerifier } from '../../application/ports/signature-verifier.ts';
import type { BillRowSink, BillSummary, TradeBillSource } from '../../application/ports/trade-bill.ts';
import { TOKENS } from '../../application/tokens.ts';
import { beijingMidnight, beijingTimestamp } from '../../domain/beijing-time.ts';
import { isCalendarDay } from '../../domain/calendar-day.ts';
import { INFRA } from '../tokens.ts';
import type { OpenApiSettings } from './alipay-trade-query.ts';
import { readTradeBill } from './bill/parse-trade-bill.ts';
import { boundedFetch, CallFailed } from './bounded-fetch.ts';
import { signedRequest } from './openapi-request.ts';
import type { RequestSigner } from './request-signer.ts';
import { readEnvelope } from './response-envelope.ts';

export const BILL_DOWNLOAD_URL_QUERY = 'alipay.data.dataservice.bill.downloadurl.query';
const RESPONSE_KEY = 'alipay_data_dataservice_bill_downloadurl_query_response';
// The answer is a few hundred bytes; anything far larger is not Alipay's.
const MAX_ANSWER_BYTES = 256 * 1024;
// A zipped day of a very large merchant is tens of MB; past this it is not a bill we can hold.
const MAX_BILL_BYTES = 200 * 1024 * 1024;

type Stage = 'gateway' | 'download';

/**
 * The daily trade bill from Alipay: alipay.data.dataservice.bill.downloadurl.query, its signed answer
 * verified over the exact bytes by the configured SignatureVerifier, then `bill_download_url` fetched at
 * once (it expires in about 30 seconds), and its detail file inflated and read a batch of rows at a time.
 * Each of the two requests is bounded by ALIPAY_HTTP_TIMEOUT.
 */
@injectable()
export class AlipayTradeBillSource implements TradeBillSource {
  constructor(
    @inject(INFRA.RequestSigner) private readonly signer: RequestSigner,
    @inject(INFRA.OpenApiSettings) private readonly settings: OpenApiSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.SignatureVerifier) private readonly verifier: SignatureVerifier,
  ) {}

  async read(date: string, sink: BillRowSink): Promise<BillSummary | 'not_ready'> {
    if (!isCalendarDay(date)) throw new RangeError(`not a yyyy-MM-dd day: ${JSON.stringify(date)}`);
    const url = await this.downloadUrl(date);
    if (url === 'not_ready') return 'not_ready';
    const batches = readTradeBill(await this.get('download', url, MAX_BILL_BYTES, { method: 'GET' }));
    let next = batches.next();
    while (!next.done) {
      await sink(next.value);
      next = batches.next();
    }
    return checkedPeriod(next.value, date);
  }

  /** The signed answer's bill_download_url, or 'not_ready' for a signed isp.bill_not_exist. */
  private async downloadUrl(date: string): Promise<string | 'not_ready'> {
    const { appId, gatewayUrl } = this.settings;
    const params = signedRequest(this.signer, {
      appId,
      method: BILL_DOWNLOAD_URL_QUERY,
      at: this.clock.now(),
      bizContent: { bill_type: 'trade', bill_date: date },
    });
    const body = await this.get('gateway', gatewayUrl, MAX_ANSWER_BYTES, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
    });
    const envelope = readEnvelope(body, RESPONSE_KEY);
    if (typeof envelope === 'string') throw new BillUnreadable(envelope, 'gateway');
    const field = (name: string) => {
      const value = envelope.response[name];
      return typeof value === 'string' ? value : '';
    };
    const said = ['code', 'sub_code', 'sub_msg'].map(field).filter(Boolean).join(' ') || 'no code';
    // Alipay leaves refusals of our own request unsigned (a bad app key, a bad app_id): say which.
    if (envelope.sign === '') throw new BillUnreadable(`Alipay answered without a signature: ${said}`, 'gateway');
    if (!this.verifier.verify(envelope.signedBytes, envelope.sign)) {
      throw new BillUnreadable(`Alipay's answer does not verify with Alipay's public key (${this.verifier.signType}): ${said}`, 'gateway');
    }
    if (field('code') === '40004' && field('sub_code') === 'isp.bill_not_exist') return 'not_ready';
    if (field('code') !== '10000') throw new BillUnreadable(`Alipay refused: ${said}`, 'gateway');
    const url = field('bill_download_url');
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new BillUnreadable(`Alipay's answer holds no usable bill_download_url (${JSON.stringify(url)})`, 'gateway');
    }
    return url;
  }

  /** The body of one request, bounded in time and size; BillUnreadable for anything but a 2xx in time. */
  private async get(stage: Stage, url: string, maxBytes: number, init: RequestInit): Promise<Uint8Array> {
    const what = stage === 'download' ? 'the bill download' : 'the bill URL query';
    try {
      return await boundedFetch(url, init, { timeoutMs: this.settings.timeoutMs, maxBytes, what });
    } catch (error) {
      throw error instanceof CallFailed ? new BillUnreadable(error.message, stage) : error;
    }
  }
}

/**
 * The bill, when its period names the day it was asked for: a bill of another day would read as every
 * payment missing, and one that names none could be any day's.
 */
function checkedPeriod(bill: BillSummary, date: string): BillSummary {
  if (bill.period === null) {
    throw new BillUnreadable(`the bill downloaded for ${date} has no #起始日期 line: which day it covers is unknown`);
  }
  if (bill.period.from.getTime() !== beijingMidnight(date).getTime()) {
    throw new BillUnreadable(`the bill downloaded for ${date} covers ${beijingTimestamp(bill.period.from)} onwards`);
  }
  return bill;
}
