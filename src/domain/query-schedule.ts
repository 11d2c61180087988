/**
 * When to ask Alipay about an unpaid order: offsets from its anchor, the later of when it was placed
 * and when its pay URL was last issued. A slot missed while no process ran is skipped, not made up:
 * one late question answers for all the slots before it.
 */
export class QuerySchedule {
  readonly offsetsMs: readonly number[];

  /** @param offsetsMs ascending, at least one, each > 0 */
  constructor(offsetsMs: readonly number[]) {
    if (offsetsMs.length === 0 || offsetsMs.some((ms, i) => !(ms > 0) || (i > 0 && ms <= offsetsMs[i - 1]!))) {
      throw new RangeError(`a query schedule needs ascending positive offsets, got ${offsetsMs.join(',')}`);
    }
    this.offsetsMs = [...offsetsMs];
  }

  /** The first question about an order anchored at `anchor`. */
  firstDue(anchor: Date): Date {
    return new Date(anchor.getTime() + this.offsetsMs[0]!);
  }

  /** The next question after one asked at `now`: the first slot later than `now`; null when none is left. */
  nextAfter(anchor: Date, now: Date): Date | null {
    const elapsed = now.getTime() - anchor.getTime();
    const offset = this.offsetsMs.find((ms) => ms > elapsed);
    return offset === undefined ? null : new Date(anchor.getTime() + offset);
  }

  /** How long after its anchor an order is still asked about. */
  get horizonMs(): number {
    return this.offsetsMs[this.offsetsMs.length - 1]!;
  }
}
