import { Buffer } from 'node:buffer';
import { generateKeyPairSync, type KeyObject, randomInt, sign } from 'node:crypto';
import process from 'node:process';

/** An independent Alipay stand-in: node:crypto keys made at run time, signing its own way. */
export interface TestAlipay {
  readonly publicKeyPem: string;
  readonly privateKey: KeyObject;
  /** A complete query string, signed like Alipay signs a page return. */
  signedQuery(params: Record<string, string>, options?: { algorithm?: 'RSA2' | 'RSA' }): string;
}

export const APP_ID = '2021000000000002';
export const SELLER_ID = '2088000000000002';

export function createTestAlipay(): TestAlipay {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
    signedQuery(params, { algorithm = 'RSA2' } = {}) {
      const content = Object.keys(params)
        .filter((key) => key !== 'sign' && key !== 'sign_type' && params[key] !== '')
        .sort()
        .map((key) => `${key}=${params[key]}`)
        .join('&');
      const signature = sign(algorithm === 'RSA2' ? 'sha256' : 'sha1', Buffer.from(content, 'utf8'), privateKey);
      return new URLSearchParams({ ...params, sign: signature.toString('base64'), sign_type: algorithm }).toString();
    },
  };
}

/** The parameters of a page return for one order, as Alipay sends them. */
export function returnParams(orderId: string, totalAmount: string, tradeNo = `2026112622001${orderId.slice(-15)}`): Record<string, string> {
  return {
    charset: 'utf-8',
    out_trade_no: orderId,
    method: 'alipay.trade.page.pay.return',
    total_amount: totalAmount,
    trade_no: tradeNo,
    auth_app_id: APP_ID,
    version: '1.0',
    app_id: APP_ID,
    seller_id: SELLER_ID,
    timestamp: '2026-11-26 15:30:12',
  };
}

/** The parameters of a trade_status_sync notify, as Alipay posts them. */
export function notifyParams(
  orderId: string,
  totalAmount: string,
  tradeStatus: string,
  tradeNo = `2026112622001${orderId.slice(-15)}`,
): Record<string, string> {
  return {
    gmt_create: '2026-11-26 15:30:05',
    charset: 'utf-8',
    seller_email: 'shop@example.com',
    subject: `美多商城订单 ${orderId}`,
    buyer_id: '2088102534368455',
    invoice_amount: totalAmount,
    notify_id: `2026112600222153012068450${orderId.slice(-9)}`,
    fund_bill_list: `[{"amount":"${totalAmount}","fundChannel":"ALIPAYACCOUNT"}]`,
    notify_type: 'trade_status_sync',
    trade_status: tradeStatus,
    receipt_amount: totalAmount,
    buyer_pay_amount: totalAmount,
    app_id: APP_ID,
    seller_id: SELLER_ID,
    gmt_payment: '2026-11-26 15:30:11',
    notify_time: '2026-11-26 15:30:12',
    version: '1.0',
    out_trade_no: orderId,
    total_amount: totalAmount,
    trade_no: tradeNo,
    auth_app_id: APP_ID,
    buyer_logon_id: 'tes***@example.com',
    point_amount: '0.00',
  };
}

let counter = 0;
// Unique across the processes and runs that share one PostgreSQL database; no date in it.
const processNonce = String(randomInt(1_000_000)).padStart(6, '0');
/** A fresh Meiduo-style order id: yyyymmddHHMMSS + 9 digits. */
export function newOrderId(): string {
  counter += 1;
  return `20261126${processNonce}${String(process.pid % 1000).padStart(3, '0')}${String(counter).padStart(6, '0')}`;
}
