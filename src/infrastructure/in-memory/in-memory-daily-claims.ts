import type { ClaimStatus, DailyClaims } from '../../application/ports/daily-claims.ts';

export class InMemoryDailyClaims implements DailyClaims {
  private readonly claims = new Map<string, { until: Date; done: boolean }>();

  async claim(job: string, day: string, now: Date, until: Date): Promise<boolean> {
    const held = this.claims.get(`${job}\n${day}`);
    if (held && (held.done || held.until > now)) return false;
    this.claims.set(`${job}\n${day}`, { until, done: false });
    return true;
  }

  async renew(job: string, day: string, now: Date, until: Date): Promise<boolean> {
    const held = this.claims.get(`${job}\n${day}`);
    if (!held || held.done || held.until <= now) return false;
    held.until = until;
    return true;
  }

  async status(job: string, day: string, now: Date): Promise<ClaimStatus> {
    const held = this.claims.get(`${job}\n${day}`);
    if (held === undefined) return 'unclaimed';
    return held.done ? 'done' : held.until > now ? 'held' : 'lapsed';
  }

  async finish(job: string, day: string): Promise<void> {
    this.claims.set(`${job}\n${day}`, { until: new Date(0), done: true });
  }
}
