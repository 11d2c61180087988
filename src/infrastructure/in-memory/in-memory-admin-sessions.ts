import type { AdminSessions, SessionLimits } from '../../application/ports/admin-sessions.ts';
import { newSessionToken, sessionDigest } from '../session-tokens.ts';

export class InMemoryAdminSessions implements AdminSessions {
  private readonly sessions = new Map<string, { name: string; createdAt: Date; lastSeen: Date }>();

  async start(name: string, at: Date): Promise<string> {
    const token = newSessionToken();
    this.sessions.set(sessionDigest(token), { name, createdAt: at, lastSeen: at });
    return token;
  }

  async resume(token: string, now: Date, { idleMs, absoluteMs }: SessionLimits): Promise<string | null> {
    const digest = sessionDigest(token);
    const session = this.sessions.get(digest);
    if (session === undefined) return null;
    if (!isLive(session, now, { idleMs, absoluteMs })) {
      this.sessions.delete(digest);
      return null;
    }
    session.lastSeen = now;
    return session.name;
  }

  async end(token: string): Promise<void> {
    this.sessions.delete(sessionDigest(token));
  }

  async endExpired(now: Date, limits: SessionLimits): Promise<void> {
    for (const [digest, session] of this.sessions) if (!isLive(session, now, limits)) this.sessions.delete(digest);
  }

  async endAllOf(name: string): Promise<void> {
    for (const [digest, session] of this.sessions) if (session.name === name) this.sessions.delete(digest);
  }
}

const isLive = (session: { createdAt: Date; lastSeen: Date }, now: Date, { idleMs, absoluteMs }: SessionLimits) =>
  now.getTime() - session.lastSeen.getTime() < idleMs && now.getTime() - session.createdAt.getTime() < absoluteMs;
