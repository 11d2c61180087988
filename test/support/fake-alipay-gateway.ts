import { Buffer } from 'node:buffer';
import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers one call with. */
export interface FakeAnswer {
  readonly status?: number;
  readonly body: string;
  /** Hold the answer this long: a gateway that hangs. */
  readonly delayMs?: number;
}

/** One call as the fake received it: every form parameter, and whether our app key signed it. */
export interface ReceivedCall {
  readonly params: Record<string, string>;
  readonly signedByApp: boolean;
  readonly outTradeNo: string;
}

/** A local stand-in for Alipay's OpenAPI gateway, signing with an independent node:crypto key. */
export class FakeAlipayGateway {
  readonly calls: ReceivedCall[] = [];
  answer: (call: ReceivedCall) => FakeAnswer = () => ({ status: 500, body: 'no answer configured' });
  private readonly server: Server;
  private readonly appPublicKey: KeyObject;

  private constructor(
    private readonly alipayPrivateKey: KeyObject,
    appPublicKeyPem: string,
  ) {
    this.appPublicKey = createPublicKey(appPublicKeyPem);
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const call = { params, signedByApp: this.signedByApp(params), outTradeNo: outTradeNoOf(params) };
      this.calls.push(call);
      const { status = 200, body, delayMs = 0 } = this.answer(call);
      const timer = setTimeout(() => {
        response.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' });
        response.end(body);
      }, delayMs);
      response.on('close', () => clearTimeout(timer));
    });
  }

  static async start(alipayPrivateKey: KeyObject, appPublicKeyPem: string): Promise<FakeAlipayGateway> {
    const gateway = new FakeAlipayGateway(alipayPrivateKey, appPublicKeyPem);
    await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway.do`;
  }

  /** `{"alipay_trade_query_response":<object>,"sign":"…"}`, signed over the object's exact text. */
  signedQueryAnswer(response: Record<string, string>, key: KeyObject = this.alipayPrivateKey): string {
    return this.signedAnswer('alipay_trade_query_response', response, key);
  }

  /** `{"<responseKey>":<object>,"sign":"…"}` for any OpenAPI method, signed over the object's exact text. */
  signedAnswer(responseKey: string, response: Record<string, string>, key: KeyObject = this.alipayPrivateKey): string {
    const object = JSON.stringify(response);
    const signature = sign('sha256', Buffer.from(object, 'utf8'), key).toString('base64');
    return `{"${responseKey}":${object},"sign":"${signature}"}`;
  }

  /** Alipay's signed answer to alipay.trade.fastpay.refund.query: the refund the call names, refunded, of `amount`. */
  refundFoundAnswer(call: ReceivedCall, amount: string): FakeAnswer {
    const biz = JSON.parse(call.params.biz_content ?? '{}') as Record<string, string>;
    const found = {
      code: '10000',
      msg: 'Success',
      out_request_no: biz.out_request_no ?? '',
      refund_status: 'REFUND_SUCCESS',
      refund_amount: amount,
    };
    return { body: this.signedAnswer('alipay_trade_fastpay_refund_query_response', found) };
  }

  /** Alipay's signed answer to a bill download URL query for a day whose bill is not out yet. */
  billNotOutYet(): string {
    return this.signedAnswer('alipay_data_dataservice_bill_downloadurl_query_response', BILL_NOT_OUT_YET);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The request rule: every parameter but sign, sorted, sign_type included. */
  private signedByApp(params: Record<string, string>): boolean {
    const content = Object.keys(params)
      .filter((key) => key !== 'sign')
      .sort()
      .map((key) => `${key}=${params[key]}`)
      .join('&');
    return verify('sha256', Buffer.from(content, 'utf8'), this.appPublicKey, Buffer.from(params.sign ?? '', 'base64'));
  }
}

function outTradeNoOf(params: Record<string, string>): string {
  try {
    return String(JSON.parse(params.biz_content ?? '{}').out_trade_no ?? '');
  } catch {
    return '';
  }
}

/** alipay.trade.query's answer for a paid trade, as Alipay documents it. */
export function paidAnswer(orderId: string, amount: string, tradeNo: string, status = 'TRADE_SUCCESS'): Record<string, string> {
  return {
    code: '10000',
    msg: 'Success',
    buyer_logon_id: 'tes***@example.com',
    buyer_pay_amount: amount,
    out_trade_no: orderId,
    receipt_amount: amount,
    send_pay_date: '2026-11-30 10:00:00',
    total_amount: amount,
    trade_no: tradeNo,
    trade_status: status,
  };
}

export function notExistAnswer(orderId: string): Record<string, string> {
  return { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在', out_trade_no: orderId };
}

/** Alipay's isp.bill_not_exist: the bill of a day not over, or before about 10:00 Beijing time the next day. */
export const BILL_NOT_OUT_YET = { code: '40004', msg: 'Business Failed', sub_code: 'isp.bill_not_exist', sub_msg: '账单不存在' };
