/** Work done once a day across every process on one database, such as reconciling yesterday. */
export interface DailyClaims {
  /**
   * Claims `job` of `day` for this process until `until`, unless it is finished or another process
   * holds an unexpired claim: of several processes asking at once, exactly one gets it.
   * @returns whether this process holds the claim now
   */
  claim(job: string, day: string, now: Date, until: Date): Promise<boolean>;
  /** Extends this process's unexpired, unfinished claim to `until`; false when it has expired or is done. */
  renew(job: string, day: string, now: Date, until: Date): Promise<boolean>;
  /**
   * Where the job of that day stands at `now`: never claimed; held (an unexpired lease, not done);
   * lapsed (claimed, not done, its lease run out); or done.
   */
  status(job: string, day: string, now: Date): Promise<ClaimStatus>;
  /** The job of that day is done: it is never claimed again. */
  finish(job: string, day: string): Promise<void>;
}

export type ClaimStatus = 'unclaimed' | 'held' | 'lapsed' | 'done';
