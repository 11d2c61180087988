/** How long a browser stays signed in: idle time since its last request, and at most this long in all. */
export interface SessionLimits {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

/**
 * Browser sessions of the back office (tb_admin_session). A session is known by a secret token the
 * browser keeps in a cookie; the store keeps only a digest of it, so that a copy of the table signs no one in.
 */
export interface AdminSessions {
  /** Starts a session for the account and returns its token. */
  start(name: string, at: Date): Promise<string>;
  /**
   * The account name of a live session, its last use moved to `now`; null when there is no such
   * session or it expired (idle or absolute), and an expired one is removed.
   */
  resume(token: string, now: Date, limits: SessionLimits): Promise<string | null>;
  end(token: string): Promise<void>;
  /** Removes every session past either limit: browsers that never came back leave nothing behind. */
  endExpired(now: Date, limits: SessionLimits): Promise<void>;
  /** Ends every session of an account: its password changed, or it was disabled. */
  endAllOf(name: string): Promise<void>;
}
