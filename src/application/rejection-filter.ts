import { matchesIdSearch } from './ports/id-search.ts';
import type { RejectionFilter, RejectionRecord } from './ports/rejection-log.ts';

/** Whether a kept rejection is one the filter names: the rule the rejections page and a replay of its rows share. */
export function matchesRejectionFilter(row: RejectionRecord, { q, from, until, channel, reason }: RejectionFilter): boolean {
  return (
    (!q || matchesIdSearch([row.outTradeNo, row.tradeNo], q)) &&
    (!from || row.at.getTime() >= from.getTime()) &&
    (!until || row.at.getTime() < until.getTime()) &&
    (!channel || row.channel === channel) &&
    (!reason || row.reason === reason)
  );
}
