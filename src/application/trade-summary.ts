import type { TradeReport } from './ports/alipay-message.ts';

/** One line of what an Alipay message says, for staff: its status or sub_code, refund, trade and amount. */
export function summaryOf({ kind, tradeNo, totalAmount }: TradeReport): string {
  const parts = [
    kind.tradeStatus && `trade_status=${kind.tradeStatus}`,
    kind.subCode && `sub_code=${kind.subCode}`,
    kind.refundFee && `refund_fee=${kind.refundFee}`,
    tradeNo && `trade_no=${tradeNo}`,
    totalAmount && `total_amount=${totalAmount.toString()}`,
  ];
  return parts.filter(Boolean).join(' ') || 'no trade_status';
}
