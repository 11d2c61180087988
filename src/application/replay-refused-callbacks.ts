import { inject, injectable } from 'inversify';
import { DomainError, PaymentNeedsReview, TradeNoConflict } from '../domain/errors.ts';
import { ConfirmAlipayPayment } from './confirm-alipay-payment.ts';
import { ApplicationError, OrderContended, StoreUnavailable } from './errors.ts';
import type { AlipayCallbackParser } from './ports/alipay-callback-parser.ts';
import type { Clock } from './ports/clock.ts';
import type { RejectionFilter, RejectionLog, RejectionRecord, ReplayOutcome } from './ports/rejection-log.ts';
import type { SignatureDiagnosis } from './ports/signature-doctor.ts';
import { matchesRejectionFilter } from './rejection-filter.ts';
import { TOKENS } from './tokens.ts';

export interface ReplayFilter {
  /** Only callbacks received at or after this instant. */
  readonly since?: Date;
  /** Only the callback with this id. */
  readonly id?: string;
  /** Only those the rejections page's filter shows. */
  readonly only?: RejectionFilter;
}

export interface ReplayTally {
  readonly examined: number;
  readonly recovered: number;
  readonly stillRefused: number;
}

/** Counted no further: the callbacks a capped run leaves are told as "LEFT_COUNTED_UP_TO or more". */
export const LEFT_COUNTED_UP_TO = 10_000;

/** A run's tally, and how many callbacks it left on offer when it stopped at its cap (up to LEFT_COUNTED_UP_TO). */
export interface ReplayRun extends ReplayTally {
  readonly left: number;
}

/**
 * Runs stored refused callbacks through ConfirmAlipayPayment again under the current configuration
 * (a fixed key, an order created since), and marks each with what it came to.
 */
@injectable()
export class ReplayRefusedCallbacks {
  constructor(
    @inject(TOKENS.RejectionLog) private readonly rejections: RejectionLog,
    @inject(TOKENS.AlipayCallbackParser) private readonly parser: AlipayCallbackParser,
    @inject(ConfirmAlipayPayment) private readonly confirmPayment: ConfirmAlipayPayment,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.CallbackConfiguration) private readonly configuration: string,
  ) {}

  /**
   * Replays every callback the log offers, oldest first, or the first `most` of them; `onProgress` hears the
   * tally after each one. Recovered callbacks are never offered again, and payments are idempotent: a second
   * run records nothing new, and a run stopped at its cap is continued by running again.
   * @throws StoreUnavailable, or any unexpected error, leaving the callback at hand unmarked
   */
  async execute(filter: ReplayFilter, onProgress?: (tally: ReplayTally) => void, most = Number.POSITIVE_INFINITY): Promise<ReplayRun> {
    let tally: ReplayTally = { examined: 0, recovered: 0, stillRefused: 0 };
    let left = 0;
    for await (const entry of this.offered(filter)) {
      // Past the cap, only counted: mostly from the batch already read.
      if (tally.examined >= most) {
        if (++left >= LEFT_COUNTED_UP_TO) break;
        continue;
      }
      const { retryable, ...outcome } = await this.replay(entry);
      // A refusal that a retry may settle (a contended order) is not this configuration's last word.
      const replay = { at: this.clock.now(), configuration: retryable ? undefined : this.configuration, ...outcome };
      await this.rejections.markReplayed(entry.id, replay);
      tally = {
        examined: tally.examined + 1,
        recovered: tally.recovered + (replay.outcome === 'recovered' ? 1 : 0),
        stillRefused: tally.stillRefused + (replay.outcome === 'still_refused' ? 1 : 0),
      };
      onProgress?.(tally);
    }
    return { ...tally, left };
  }

  /**
   * Each offered callback once, in bounded batches, oldest first, each batch asked for past the last one
   * seen. A callback already examined under this configuration and still refused is not offered again
   * (unless its order has been placed since), except when asked for by its id.
   */
  private async *offered(filter: ReplayFilter): AsyncIterable<RejectionRecord> {
    // Only what was kept before the run began: a flood arriving meanwhile must not keep it running.
    const until = this.clock.now().getTime();
    const configuration = filter.id === undefined ? this.configuration : undefined;
    const since = latest(filter.since, filter.only?.from);
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const batch = await this.rejections.toReplay({ since, id: filter.id, after, configuration });
      const fresh = batch.filter((entry) => entry.at.getTime() <= until);
      for (const entry of fresh) if (!filter.only || matchesRejectionFilter(entry, filter.only)) yield entry;
      if (fresh.length < batch.length || batch.length === 0 || filter.id !== undefined) return;
      after = { at: batch.at(-1)!.at, id: batch.at(-1)!.id };
    }
  }

  private async replay(entry: RejectionRecord): Promise<{ outcome: ReplayOutcome; detail: string; retryable?: boolean }> {
    const repair: { diagnosis?: SignatureDiagnosis } = {};
    const onRepaired = async (diagnosis: SignatureDiagnosis) => {
      repair.diagnosis = diagnosis;
    };
    try {
      const { outcome } = await this.confirmPayment.execute({ message: this.parser.parse(entry.raw), source: entry.channel, onRepaired });
      return { outcome: 'recovered', detail: repair.diagnosis ? `${outcome} after repair: ${repair.diagnosis}` : outcome };
    } catch (error) {
      // Recorded for staff to review: the payment is no longer lost.
      if (error instanceof PaymentNeedsReview || error instanceof TradeNoConflict) return { outcome: 'recovered', detail: refusal(error) };
      // The database failing says nothing about the callback: stop, and leave it to the next run.
      if (error instanceof StoreUnavailable) throw error;
      if (error instanceof DomainError || error instanceof ApplicationError)
        return { outcome: 'still_refused', detail: refusal(error), retryable: error instanceof OrderContended };
      throw error;
    }
  }
}

const latest = (a?: Date, b?: Date) => (a && b ? (a > b ? a : b) : (a ?? b));

const refusal = (error: DomainError | ApplicationError) => `${error.code}: ${error.message}`;
