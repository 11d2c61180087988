export interface DatabaseHealth {
  /** True when the database answers a trivial query. Never throws. */
  isUp(): Promise<boolean>;
}
