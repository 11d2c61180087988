import type { FakeAlipayGateway, FakeAnswer, ReceivedCall } from './fake-alipay-gateway.ts';

/** What the fake does to the next call, before or after it carries the refund out. */
export type RefundFault =
  /** Carries the refund out, then answers HTTP 502: Alipay did it, and we never heard. */
  | 'lose_answer'
  /** Carries the refund out, then holds the answer past any timeout. */
  | 'hang_after'
  /** Holds the call past any timeout without doing anything: the request never reached Alipay. */
  | 'hang_before'
  /** Answers a signed ACQ.SYSTEM_ERROR without doing anything. */
  | 'system_error'
  /** Answers HTTP 502 without doing anything. */
  | 'http_502'
  /** Answers Alipay's JSON without a signature. */
  | 'unsigned'
  /** Answers a refund query about a refund of another amount. */
  | 'other_amount'
  /** Answers a signed ACQ.TRADE_NOT_ALLOW_REFUND without doing anything, as for a trade closed meanwhile. */
  | 'refuse';

const yuan = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/**
 * Alipay's refund book for the trades it is told of, behind a FakeAlipayGateway: alipay.trade.refund is
 * idempotent per out_request_no, refund_fee is cumulative, and the refund query knows what was done.
 * `carriedOut` is the truth a test checks: the refunds Alipay really made.
 */
export class FakeAlipayRefunds {
  /** out_request_no → what Alipay refunded under it. */
  readonly carriedOut = new Map<string, { tradeNo: string; fen: number }>();
  private readonly trades = new Map<string, { orderId: string; fen: number }>();
  private readonly faults: RefundFault[] = [];

  constructor(private readonly gateway: FakeAlipayGateway) {
    gateway.answer = (call) => this.answer(call);
  }

  trade(tradeNo: string, orderId: string, amount: string): void {
    this.trades.set(tradeNo, { orderId, fen: Math.round(Number(amount) * 100) });
  }

  /** The next calls meet these faults, one each, in order. */
  next(...faults: RefundFault[]): void {
    this.faults.push(...faults);
  }

  /** Every refund call the gateway received, and every query. */
  calls(method: 'alipay.trade.refund' | 'alipay.trade.fastpay.refund.query'): Record<string, string>[] {
    return this.gateway.calls.filter((call) => call.params.method === method).map((call) => JSON.parse(call.params.biz_content ?? '{}'));
  }

  refundedFen(tradeNo: string): number {
    return [...this.carriedOut.values()].filter((r) => r.tradeNo === tradeNo).reduce((sum, r) => sum + r.fen, 0);
  }

  private answer(call: ReceivedCall): FakeAnswer {
    const biz = JSON.parse(call.params.biz_content ?? '{}') as Record<string, string>;
    const fault = this.faults.shift();
    if (fault === 'http_502') return { status: 502, body: 'bad gateway' };
    if (fault === 'hang_before') return { body: '{}', delayMs: 60_000 };
    if (fault === 'refuse')
      return this.signed(call, {
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'ACQ.TRADE_NOT_ALLOW_REFUND',
        sub_msg: '当前交易不允许退款',
      });
    if (fault === 'system_error')
      return this.signed(call, { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'ACQ.SYSTEM_ERROR', sub_msg: '系统错误' });
    const response = call.params.method === 'alipay.trade.refund' ? this.refund(biz) : this.query(biz, fault === 'other_amount' ? 1 : 0);
    if (fault === 'lose_answer') return { status: 502, body: 'bad gateway' };
    if (fault === 'hang_after') return { body: '{}', delayMs: 60_000 };
    if (fault === 'unsigned') return { body: JSON.stringify({ [responseKey(call)]: response }) };
    return this.signed(call, response);
  }

  private refund(biz: Record<string, string>): Record<string, string> {
    const trade = this.trades.get(biz.trade_no ?? '');
    const fen = Math.round(Number(biz.refund_amount) * 100);
    const refusal = (sub_code: string, sub_msg: string) => ({ code: '40004', msg: 'Business Failed', sub_code, sub_msg });
    if (trade === undefined) return refusal('ACQ.TRADE_NOT_EXIST', '交易不存在');
    const done = this.carriedOut.get(biz.out_request_no ?? '');
    if (done !== undefined && done.fen !== fen) return refusal('ACQ.DISCORDANT_REPEAT_REQUEST', '不一致的请求');
    if (done === undefined) {
      if (fen > trade.fen - this.refundedFen(biz.trade_no!)) return refusal('ACQ.REASON_TRADE_REFUND_FEE_ERR', '退款金额超限');
      this.carriedOut.set(biz.out_request_no!, { tradeNo: biz.trade_no!, fen });
    }
    return {
      code: '10000',
      msg: 'Success',
      fund_change: done === undefined ? 'Y' : 'N',
      refund_fee: yuan(this.refundedFen(biz.trade_no!)),
      gmt_refund_pay: '2026-11-26 15:31:00',
      trade_no: biz.trade_no!,
      out_trade_no: trade.orderId,
      send_back_fee: yuan(fen),
    };
  }

  private query(biz: Record<string, string>, extraFen: number): Record<string, string> {
    const done = this.carriedOut.get(biz.out_request_no ?? '');
    const base = {
      code: '10000',
      msg: 'Success',
      trade_no: biz.trade_no ?? '',
      out_trade_no: biz.out_trade_no ?? '',
      out_request_no: biz.out_request_no ?? '',
    };
    if (done === undefined) return base;
    return {
      ...base,
      refund_status: 'REFUND_SUCCESS',
      refund_amount: yuan(done.fen + extraFen),
      gmt_refund_pay: '2026-11-26 15:31:00.250',
    };
  }

  private signed(call: ReceivedCall, response: Record<string, string>): FakeAnswer {
    return { body: this.gateway.signedAnswer(responseKey(call), response) };
  }
}

const responseKey = (call: ReceivedCall) => `${(call.params.method ?? '').replaceAll('.', '_')}_response`;
