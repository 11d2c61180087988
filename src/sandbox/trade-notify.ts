import type { KeyObject } from 'node:crypto';
import { beijingTimestamp } from '../domain/beijing-time.ts';
import { type SandboxSignType, signCallback } from './alipay-signing.ts';
import type { SandboxRefund } from './refund-rules.ts';
import { SANDBOX_BUYER, type SandboxTrade } from './sandbox-trades.ts';

/** Who the sandbox's notifies come from, and how they are signed. */
export interface NotifySeller {
  readonly appId: string;
  readonly sellerId: string;
  readonly alipayKey: KeyObject;
  readonly signType: SandboxSignType;
}

type Fields = Record<string, string>;

/** The fields of a trade that its page return and every notify of it carry. */
export function tradeFields(trade: SandboxTrade, seller: NotifySeller): Fields {
  return {
    out_trade_no: trade.outTradeNo,
    total_amount: trade.totalAmount,
    trade_no: trade.tradeNo,
    app_id: seller.appId,
    auth_app_id: seller.appId,
    seller_id: seller.sellerId,
    version: '1.0',
    charset: 'utf-8',
  };
}

/** Alipay's trade_status_sync notify of a paid trade, sent at `at`, signed by the notify rule. */
export function paymentNotify(trade: SandboxTrade, seller: NotifySeller, at: Date): Fields {
  return signCallback(notifyFields(trade, seller, at), seller.alipayKey, seller.signType);
}

/**
 * Alipay's notify of a refund: the trade as it stands after it (TRADE_SUCCESS while something remains,
 * TRADE_CLOSED once refunded in full), refund_fee the trade's cumulative refund, gmt_refund to the
 * millisecond, out_biz_no the refund's out_request_no.
 */
export function refundNotify(trade: SandboxTrade, refund: SandboxRefund, refundFee: string, seller: NotifySeller): Fields {
  return signCallback(
    {
      ...notifyFields(trade, seller, refund.at),
      ...(trade.gmtClose !== null && trade.tradeStatus === 'TRADE_CLOSED' ? { gmt_close: beijingTimestamp(trade.gmtClose) } : {}),
      refund_fee: refundFee,
      gmt_refund: beijingMillis(refund.at),
      out_biz_no: refund.outRequestNo,
    },
    seller.alipayKey,
    seller.signType,
  );
}

/** `yyyy-MM-dd HH:mm:ss.SSS`, Beijing: how Alipay writes gmt_refund. */
export function beijingMillis(at: Date): string {
  return `${beijingTimestamp(at)}.${String(at.getUTCMilliseconds()).padStart(3, '0')}`;
}

function notifyFields(trade: SandboxTrade, seller: NotifySeller, at: Date): Fields {
  const paidAt = trade.gmtPayment ?? at;
  return {
    ...tradeFields(trade, seller),
    notify_type: 'trade_status_sync',
    notify_id: `${at.getTime()}${trade.tradeNo.slice(-8)}`,
    notify_time: beijingTimestamp(at),
    trade_status: trade.tradeStatus,
    gmt_create: beijingTimestamp(trade.gmtCreate),
    gmt_payment: beijingTimestamp(paidAt),
    subject: trade.subject,
    buyer_id: SANDBOX_BUYER.userId,
    buyer_logon_id: SANDBOX_BUYER.logonId,
    seller_email: 'shop@sandbox.example',
    invoice_amount: trade.totalAmount,
    receipt_amount: trade.totalAmount,
    buyer_pay_amount: trade.totalAmount,
    point_amount: '0.00',
    fund_bill_list: JSON.stringify([{ amount: trade.totalAmount, fundChannel: 'ALIPAYACCOUNT' }]),
  };
}
