import type { BillChange } from './bill-changes.ts';
import { SANDBOX_BUYER, type SandboxTrade } from './sandbox-trades.ts';
import type { BillEntry } from './trade-bill-lines.ts';

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

export function refundEntry(trade: SandboxTrade, refund: NonNullable<BillChange['refund']>): BillEntry {
  return {
    ...tradeEntry(trade, refund.amount),
    kind: 'refund',
    finishedAt: refund.at,
    amountFen: -fenOf(refund.amount),
    refundNo: refund.refundNo,
  };
}

/** Fen of a non-negative yuan amount with at most two decimals, as the trade table keeps them. */
function fenOf(yuan: string): number {
  const [whole, decimals = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}
