import type { SandboxRefund } from './refund-rules.ts';
import { SANDBOX_BUYER, type SandboxTrade } from './sandbox-trades.ts';
import type { BillEntry } from './trade-bill-lines.ts';
import { fenOf } from './yuan.ts';

// The bill's rows for the sandbox's own trades and the refunds made of them.

export function tradeEntry(trade: SandboxTrade, amount: string): BillEntry {
  return {
    kind: 'trade',
    tradeNo: trade.tradeNo,
    outTradeNo: trade.outTradeNo,
    subject: trade.subject,
    createdAt: trade.gmtCreate,
    finishedAt: trade.gmtPayment ?? trade.gmtCreate,
    amountFen: fenOf(amount),
    refundNo: '',
    counterparty: SANDBOX_BUYER.logonId,
  };
}

export function refundEntry(trade: SandboxTrade, refund: Pick<SandboxRefund, 'amount' | 'at' | 'outRequestNo'>): BillEntry {
  return {
    ...tradeEntry(trade, refund.amount),
    kind: 'refund',
    finishedAt: refund.at,
    amountFen: -fenOf(refund.amount),
    refundNo: refund.outRequestNo,
  };
}
