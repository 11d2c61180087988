import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { AdminSessions, SessionLimits } from '../../application/ports/admin-sessions.ts';
import { newSessionToken, sessionDigest } from '../session-tokens.ts';
import { INFRA } from '../tokens.ts';
import { guarded } from './store-errors.ts';

@injectable()
export class KnexAdminSessions implements AdminSessions {
  constructor(@inject(INFRA.Knex) private readonly knex: Knex) {}

  start(name: string, at: Date): Promise<string> {
    return guarded(async () => {
      const token = newSessionToken();
      await this.knex('tb_admin_session').insert({ token_digest: sessionDigest(token), name, create_time: at, last_seen: at });
      return token;
    });
  }

  /** One statement: a live session is touched and named, so two requests at once cannot revive an expired one. */
  resume(token: string, now: Date, { idleMs, absoluteMs }: SessionLimits): Promise<string | null> {
    return guarded(async () => {
      const digest = sessionDigest(token);
      const live: Array<{ name: string }> = await this.knex('tb_admin_session')
        .where({ token_digest: digest })
        .where('last_seen', '>', new Date(now.getTime() - idleMs))
        .where('create_time', '>', new Date(now.getTime() - absoluteMs))
        .update({ last_seen: now })
        .returning('name');
      if (live.length === 1) return live[0]!.name;
      await this.knex('tb_admin_session').where({ token_digest: digest }).delete();
      return null;
    });
  }

  end(token: string): Promise<void> {
    return guarded(async () => {
      await this.knex('tb_admin_session')
        .where({ token_digest: sessionDigest(token) })
        .delete();
    });
  }

  endExpired(now: Date, { idleMs, absoluteMs }: SessionLimits): Promise<void> {
    return guarded(async () => {
      await this.knex('tb_admin_session')
        .where('last_seen', '<=', new Date(now.getTime() - idleMs))
        .orWhere('create_time', '<=', new Date(now.getTime() - absoluteMs))
        .delete();
    });
  }

  endAllOf(name: string): Promise<void> {
    return guarded(async () => {
      await this.knex('tb_admin_session').where({ name }).delete();
    });
  }
}
