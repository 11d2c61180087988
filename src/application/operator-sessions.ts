import { inject, injectable } from 'inversify';
import type { Operator } from '../domain/operator.ts';
import { AuthenticateOperator } from './authenticate-operator.ts';
import type { AdminAudit } from './ports/admin-audit.ts';
import type { AdminSessions, SessionLimits } from './ports/admin-sessions.ts';
import type { Clock } from './ports/clock.ts';
import { TOKENS } from './tokens.ts';

const MINUTE = 60_000;
/** Half an hour without a request signs a browser out; a working day at most, whatever it does. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE };

/** Signing in to the back office in a browser, staying signed in, and signing out; both ends are audited. */
@injectable()
export class OperatorSessions {
  constructor(
    @inject(AuthenticateOperator) private readonly authenticate: AuthenticateOperator,
    @inject(TOKENS.AdminSessions) private readonly sessions: AdminSessions,
    @inject(TOKENS.AdminAudit) private readonly audit: AdminAudit,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.SessionLimits) private readonly limits: SessionLimits,
  ) {}

  /** A new session's token and its operator; null when the name and password sign no one in. @throws StoreUnavailable */
  async signIn(name: string, password: string, remoteAddress: string): Promise<{ token: string; operator: Operator } | null> {
    const operator = await this.authenticate.withPassword(name, password);
    if (operator === null) return null;
    const at = this.clock.now();
    await this.sessions.endExpired(at, this.limits);
    const token = await this.sessions.start(operator.name, at);
    await this.audit.record({ at, actor: operator.name, remoteAddress, action: 'sign_in', target: operator.name, detail: '' });
    return { token, operator };
  }

  /** The operator of a live session, as the account stands now; null when signed out, expired or disabled. */
  async resume(token: string): Promise<Operator | null> {
    const name = await this.sessions.resume(token, this.clock.now(), this.limits);
    return name === null ? null : this.authenticate.byName(name);
  }

  /**
   * The first operator's password lives in the configuration, which may have changed while the server
   * was stopped: its browsers sign in again after every start, so a rotated ADMIN_PASSWORD locks out
   * a stolen session too. Named accounts keep theirs: a change to them ends their sessions itself.
   */
  async endFirstOperatorSessions(): Promise<void> {
    await this.sessions.endAllOf(this.authenticate.firstOperatorName);
  }

  async signOut(token: string, operator: Operator, remoteAddress: string): Promise<void> {
    await this.sessions.end(token);
    const at = this.clock.now();
    await this.audit.record({ at, actor: operator.name, remoteAddress, action: 'sign_out', target: operator.name, detail: '' });
  }
}
