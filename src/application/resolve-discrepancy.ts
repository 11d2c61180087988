import { inject, injectable } from 'inversify';
import { DiscrepancyNotPending, resolveDiscrepancy } from '../domain/discrepancy.ts';
import { ITEM_KINDS, type ItemKind } from '../domain/reconciliation.ts';
import type { Clock } from './ports/clock.ts';
import type { DiscrepancyKey, ReconciliationStore } from './ports/reconciliation-store.ts';
import { checkDay } from './show-reconciliation-day.ts';
import { TOKENS } from './tokens.ts';

export interface ResolveDiscrepancyCommand {
  /** The day, yyyy-MM-dd, and the discrepancy as its run names it: kind (as stored), order id, trade no. */
  readonly date: string;
  readonly kind: string;
  readonly orderId: string;
  readonly tradeNo: string;
  readonly note: string;
  /** The signed-in admin user. */
  readonly actor: string;
  readonly remoteAddress: string;
}

/**
 * Staff mark a reconciliation discrepancy handled (已处理), saying what they did; audited. The discrepancy
 * is named by what it is, not by its row: a re-run of the day between the page and the form changes nothing.
 */
@injectable()
export class ResolveDiscrepancy {
  constructor(
    @inject(TOKENS.ReconciliationStore) private readonly store: ReconciliationStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** @throws InvalidQuery (not a day) | DiscrepancyNotPending | InvalidReviewNote | StoreUnavailable */
  async execute(command: ResolveDiscrepancyCommand): Promise<DiscrepancyKey> {
    checkDay(command.date);
    const { date, orderId, tradeNo, note, actor, remoteAddress } = command;
    const target = `${date} ${orderId} ${tradeNo}`;
    // A kind that is none is a discrepancy the run does not name.
    if (!(ITEM_KINDS as readonly string[]).includes(command.kind)) throw new DiscrepancyNotPending(target, 'unknown');
    const key = { date, kind: command.kind as ItemKind, orderId, tradeNo };
    const state = await this.store.discrepancyState(key);
    const resolution = resolveDiscrepancy({ target, state }, { by: actor, at: this.clock.now(), note });
    const audit = { at: resolution.at, actor, remoteAddress, action: 'resolve_discrepancy', target, detail: resolution.note } as const;
    // Another operator may have been quicker between the read and this write, or a re-run dropped it: the write's guard says so.
    if (!(await this.store.resolve(key, resolution, audit))) throw new DiscrepancyNotPending(target, 'resolved');
    return key;
  }
}
